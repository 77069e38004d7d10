//! The integration-test harness: a fresh database per test (SQLite file, or a PostgreSQL
//! database created and dropped here), the real router, and requests through `oneshot`.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, header};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database};
use std::net::SocketAddr;
use tower::ServiceExt;

use app::domain::Ctx;
use app::domain::db::DatabaseUrl;
use persona_console::config::WebConfig;
use persona_console::state::AppState;

pub const ORIGIN: &str = "http://127.0.0.1:3000";
pub const HOST: &str = "127.0.0.1:3000";
/// No request of any test takes anywhere near this long unless something is stuck.
pub const REQUEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);

pub struct TestDb {
    pub url: DatabaseUrl,
    pg_drop: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("test.db");
        let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display())).expect("sqlite url");
        TestDb {
            url,
            pg_drop: None,
            _dir: Some(dir),
        }
    }

    /// A fresh PostgreSQL database, or `None` (with a loud notice) when no server is
    /// reachable, unless PERSONA_REQUIRE_POSTGRES=1, which makes that a failure.
    pub async fn postgres() -> Option<TestDb> {
        let admin = std::env::var("PERSONA_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let conn = match Database::connect(admin.as_str()).await {
            Ok(conn) => conn,
            Err(e) => {
                if std::env::var("PERSONA_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                    panic!(
                        "PostgreSQL is required (PERSONA_REQUIRE_POSTGRES=1) but unreachable at {admin}: {e}"
                    );
                }
                eprintln!(
                    "\n!!! SKIPPING the PostgreSQL variant: no server at {admin} ({e}) !!!\n"
                );
                return None;
            }
        };
        let name = format!("persona_test_{}", uuid::Uuid::now_v7().simple());
        conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
        let base = admin
            .rsplit_once('/')
            .map(|(b, _)| b.to_string())
            .expect("admin url has a database");
        let url = DatabaseUrl::parse(&format!("{base}/{name}")).expect("pg url");
        Some(TestDb {
            url,
            pg_drop: Some((admin, name)),
            _dir: None,
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg_drop.take() {
            // Drop cannot be async: a short-lived runtime on its own thread does it.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async {
                    if let Ok(conn) = Database::connect(admin.as_str()).await {
                        let _ = conn
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

pub struct TestApp {
    pub router: Router,
    pub ctx: Ctx,
    pub db: TestDb,
}

pub struct Reply {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn location(&self) -> &str {
        self.header("location").unwrap_or_default()
    }

    /// The session cookie this reply set (`name=value`), if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("persona_session="))
            .map(|c| c.split(';').next().unwrap_or_default().to_string())
    }

    pub fn set_cookie_line(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("persona_session="))
            .map(str::to_string)
    }
}

impl TestApp {
    pub async fn new(db: TestDb) -> TestApp {
        Self::with_web(db, WebConfig::default()).await
    }

    pub async fn with_web(db: TestDb, web: WebConfig) -> TestApp {
        let conn = persona_console::server::open_database(&db.url)
            .await
            .expect("database");
        let ctx = Ctx::new(conn).expect("ctx");
        let site = std::env::temp_dir();
        let state = AppState::new(
            persona_console::server::leptos_options(
                &site.to_string_lossy(),
                HOST.parse().expect("addr"),
            ),
            ctx.clone(),
            web,
        );
        TestApp {
            router: persona_console::router::build(state),
            ctx,
            db,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let mut request = request;
        if request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .is_none()
        {
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        }
        let what = format!("{} {}", request.method(), request.uri());
        let exchange = async {
            let response: Response<Body> = self
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("infallible");
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let bytes = response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes();
            Reply {
                status,
                headers,
                body: String::from_utf8_lossy(&bytes).into_owned(),
            }
        };
        // A stuck request fails its test by name instead of stalling the whole run.
        tokio::time::timeout(REQUEST_DEADLINE, exchange)
            .await
            .unwrap_or_else(|_| panic!("{what} did not finish within {REQUEST_DEADLINE:?}"))
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut req = Request::get(path).header(header::HOST, HOST);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    /// A same-origin form post, as a browser sends it.
    pub async fn post_form(&self, path: &str, body: &str, cookie: Option<&str>) -> Reply {
        self.post_form_from(path, body, cookie, Some(ORIGIN), [127, 0, 0, 1])
            .await
    }

    pub async fn post_form_from(
        &self,
        path: &str,
        body: &str,
        cookie: Option<&str>,
        origin: Option<&str>,
        ip: [u8; 4],
    ) -> Reply {
        let mut req = Request::post(path)
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        // Browsers declare the length; `post_streamed` covers bodies that do not.
        let req = req.header(header::CONTENT_LENGTH, body.len());
        let mut req = req.body(Body::from(body.to_string())).expect("request");
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
        self.send(req).await
    }

    /// Posts the sign-in form, as the browser does.
    pub async fn post_login(&self, email: &str, password: &str, cookie: Option<&str>) -> Reply {
        let body = form(&[("email", email), ("password", password)]);
        self.post_form("/auth/login", &body, cookie).await
    }

    /// A same-origin post whose body has no declared length (chunked).
    pub async fn post_streamed(&self, path: &str, body: String) -> Reply {
        let stream = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(body)]);
        let req = Request::post(path)
            .header(header::HOST, HOST)
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from_stream(stream))
            .expect("request");
        self.send(req).await
    }

    /// Seeds the demo tenant and returns (email, password).
    pub async fn demo(&self) -> app::domain::demo::Demo {
        app::domain::demo::ensure_demo(&self.ctx)
            .await
            .expect("demo")
    }

    /// Signs in and returns the session cookie.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let reply = self.post_login(email, password, None).await;
        assert_eq!(reply.status, 303, "sign-in failed: {}", reply.location());
        assert_eq!(reply.location(), "/");
        reply.session_cookie().expect("a session cookie")
    }
}

pub fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs each listed test once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::TestApp::new($crate::common::TestDb::sqlite()).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = $crate::common::TestDb::postgres().await else { return };
                    super::$name($crate::common::TestApp::new(db).await).await;
                }
            )*
        }
    };
}
