//! Accepting connections and serving the router on them: HTTP/1.1, and HTTP/2 without TLS
//! for a client that opens with HTTP/2's preface (prior knowledge).
//!
//! The protocol is told by peeking at the first bytes, not by reading them. hyper-util's
//! auto-detecting builder (what `axum::serve` uses) reads up to 24 bytes and hands them
//! back through a rewinding wrapper, so hyper's first read of an HTTP/1 request returned
//! only those 24 bytes and its 8 KiB read buffer grew to 16 KiB for the rest, for the
//! connection's whole life. An idle event stream holds its connection for hours, and those
//! 8 KiB were a third of what it cost (docs/benchmarks.md, session 16).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

/// What an HTTP/2 client with prior knowledge sends first (RFC 9113, section 3.4).
const H2_PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// What a connection's first bytes say about its protocol.
#[derive(Debug, PartialEq, Eq)]
enum Opening {
    Http1,
    Http2,
    /// A beginning of the preface, not all of it yet: left to hyper-util to read on.
    Unsure,
    Closed,
}

fn classify(seen: &[u8]) -> Opening {
    if seen.is_empty() {
        Opening::Closed
    } else if !H2_PREFACE.starts_with(seen) {
        Opening::Http1
    } else if seen.len() == H2_PREFACE.len() {
        Opening::Http2
    } else {
        Opening::Unsure
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets open connections end
/// (idle ones are closed, requests in flight finish) before returning.
pub async fn serve_router(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let graceful = GracefulShutdown::new();
    // Ends connections still waiting for their first bytes, which hyper does not hold yet.
    let (stopping, stop) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (tcp, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        tokio::spawn(serve_connection(
            tcp,
            addr,
            app.clone(),
            graceful.watcher(),
            stop.clone(),
        ));
    }
    drop(listener);
    let _ = stopping.send(true);
    graceful.shutdown().await;
    Ok(())
}

/// Socket options for an accepted connection. TCP_NODELAY: an event stream writes one
/// small event at a time, and HTTP/2 writes frames as they are ready; with Nagle's
/// algorithm a second small write waits for the first one's ACK, which a client's
/// delayed ACK can hold back for 40 ms (Linux) or more. Every response here is written
/// whole when it is ready, so there is nothing for Nagle to coalesce.
fn tune(tcp: &TcpStream, addr: SocketAddr) {
    if let Err(e) = tcp.set_nodelay(true) {
        tracing::debug!(error = %e, %addr, "cannot set TCP_NODELAY");
    }
}

async fn serve_connection(
    tcp: TcpStream,
    addr: SocketAddr,
    app: Router,
    watcher: Watcher,
    mut stop: watch::Receiver<bool>,
) {
    tune(&tcp, addr);
    let mut first = [0u8; H2_PREFACE.len()];
    let opening = tokio::select! {
        peeked = tcp.peek(&mut first) => match peeked {
            Ok(n) => classify(&first[..n]),
            Err(_) => return,
        },
        _ = stop.wait_for(|stopping| *stopping) => return,
    };
    let io = TokioIo::new(tcp);
    let service =
        TowerToHyperService::new(app.map_request(move |request: http::Request<Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(addr));
            request
        }));
    let ended: Result<(), Box<dyn std::error::Error + Send + Sync>> = match opening {
        Opening::Http1 => {
            let conn = http1::Builder::new().serve_connection(io, service);
            watcher.watch(conn).await.map_err(Into::into)
        }
        Opening::Http2 => {
            let builder = http2::Builder::new(TokioExecutor::new());
            watcher
                .watch(builder.serve_connection(io, service))
                .await
                .map_err(Into::into)
        }
        Opening::Unsure => {
            let builder = auto::Builder::new(TokioExecutor::new());
            watcher.watch(builder.serve_connection(io, service)).await
        }
        Opening::Closed => Ok(()),
    };
    if let Err(e) = ended {
        tracing::trace!(error = %e, %addr, "connection ended with an error");
    }
}

/// Connection-level failures are the client's; anything else (out of file descriptors,
/// say) is logged and retried after a pause, as hyper and axum do.
async fn accept_failed(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "cannot accept a connection; retrying in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step is a failed test
mod tests {
    use super::*;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn the_first_bytes_tell_the_protocol() {
        assert_eq!(classify(b"GET /healthz HTTP/1.1\r\n"), Opening::Http1);
        assert_eq!(classify(b"PUT"), Opening::Http1);
        assert_eq!(classify(b"P"), Opening::Unsure);
        assert_eq!(classify(b"PRI * HTTP/2.0\r\n"), Opening::Unsure);
        assert_eq!(
            classify(b"PRI * HTTP/1.1\r\n\r\nSM\r\n\r\n"),
            Opening::Http1
        );
        assert_eq!(classify(H2_PREFACE), Opening::Http2);
        assert_eq!(classify(b""), Opening::Closed);
    }

    /// A router that answers with the peer address it was given, on a real port.
    async fn start() -> (
        SocketAddr,
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    ) {
        let app = Router::new().route(
            "/",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.to_string() }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            serve_router(listener, app, async move {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        (addr, stop, server)
    }

    /// Sends `parts` with a pause between them (each a separate TCP segment), then reads
    /// until the server has said something.
    async fn exchange(addr: SocketAddr, parts: &[&[u8]]) -> (TcpStream, Vec<u8>) {
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        tcp.set_nodelay(true).unwrap();
        for part in parts {
            tcp.write_all(part).await.unwrap();
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut answer = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut answer))
            .await
            .expect("the server answered")
            .unwrap();
        answer.truncate(n);
        (tcp, answer)
    }

    #[tokio::test]
    async fn http1_is_served_with_the_peer_address_whatever_its_first_bytes() {
        let (addr, _stop, _server) = start().await;
        let (tcp, answer) = exchange(addr, &[b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"]).await;
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with("HTTP/1.1 200"), "{text}");
        assert!(
            text.ends_with(&tcp.local_addr().unwrap().to_string()),
            "{text}"
        );
        // A first segment that could still be HTTP/2's preface is read on, not guessed.
        let (_, answer) = exchange(addr, &[b"P", b"UT / HTTP/1.1\r\nHost: t\r\n\r\n"]).await;
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with("HTTP/1.1 405"), "{text}");
    }

    #[tokio::test]
    async fn http2_is_served_to_a_client_that_opens_with_the_preface() {
        let (addr, _stop, _server) = start().await;
        // An empty SETTINGS frame: length 0, type 4, no flags, stream 0.
        let settings: &[u8] = &[0, 0, 0, 4, 0, 0, 0, 0, 0];
        for parts in [
            vec![&H2_PREFACE[..], settings],
            vec![&H2_PREFACE[..10], &H2_PREFACE[10..], settings],
        ] {
            let (_, answer) = exchange(addr, &parts).await;
            assert!(answer.len() >= 9, "{answer:?}");
            assert_eq!(
                answer[3], 4,
                "the server's first frame is SETTINGS: {answer:?}"
            );
        }
    }

    #[tokio::test]
    async fn an_accepted_connection_sends_small_writes_at_once() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let _client = TcpStream::connect(addr).await.unwrap();
        let (accepted, peer) = listener.accept().await.unwrap();
        assert!(
            !accepted.nodelay().unwrap(),
            "the kernel's default is Nagle"
        );
        tune(&accepted, peer);
        assert!(accepted.nodelay().unwrap());
    }

    #[tokio::test]
    async fn shutdown_does_not_wait_for_silent_or_idle_connections() {
        let (addr, stop, server) = start().await;
        let _silent = TcpStream::connect(addr).await.unwrap();
        let (_idle, answer) = exchange(addr, &[b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"]).await;
        assert!(answer.starts_with(b"HTTP/1.1 200"));
        tokio::time::sleep(Duration::from_millis(50)).await;
        stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(2), server)
            .await
            .expect("the server stopped with connections still open")
            .unwrap();
        assert!(TcpStream::connect(addr).await.is_err(), "still accepting");
    }
}
