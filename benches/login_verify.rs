//! Login verify time: one Argon2id verification with the production parameters
//! (m=19456 KiB, t=2, p=1), through the same `PasswordHasher` sign-in uses
//! (spawn_blocking behind the semaphore). Prints the median of 20.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use app::domain::auth::passwords::PasswordHasher;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let hasher = PasswordHasher::new().expect("hasher");
    let hash = hasher
        .hash("correct horse battery staple".into())
        .await
        .expect("hash");
    let mut samples = Vec::with_capacity(20);
    for _ in 0..20 {
        let start = Instant::now();
        let ok = hasher
            .verify(Some(hash.clone()), "correct horse battery staple".into())
            .await
            .expect("verify");
        samples.push(start.elapsed().as_secs_f64() * 1000.0);
        assert!(ok);
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    let median = (samples[9] + samples[10]) / 2.0;
    println!(
        "login_verify_median_ms={median:.2} min_ms={:.2} max_ms={:.2} n=20",
        samples[0], samples[19]
    );
}
