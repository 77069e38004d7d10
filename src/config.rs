//! Configuration from flags and environment variables (flags win), checked up front so a
//! bad value stops the server with a reason instead of failing later.

use app::domain::db::DatabaseUrl;
use clap::{Args, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/persona-console.db";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SecureCookies {
    /// On when --public-url is https.
    Auto,
    On,
    Off,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PERSONA_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Seed the demo tenant if it is missing and print its login.
    #[arg(long)]
    pub demo: bool,
    /// The address people use to reach the console (e.g. https://console.example.com),
    /// when it is behind a TLS-terminating proxy. Turns on HSTS and Secure cookies.
    #[arg(long, env = "PERSONA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Whether the session cookie carries `Secure` (only sent over https).
    #[arg(
        long,
        env = "PERSONA_SECURE_COOKIES",
        value_enum,
        default_value = "auto"
    )]
    pub secure_cookies: SecureCookies,
    /// Use the first X-Forwarded-For address as the client's (only behind a proxy you run).
    #[arg(long, env = "PERSONA_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,
    /// Where the built site (pkg/, favicon) is; found next to the binary when not given.
    #[arg(long, env = "PERSONA_SITE_DIR")]
    pub site_dir: Option<PathBuf>,
    /// Runtime API requests per second allowed per token (bursts up to twice that).
    #[arg(long, env = "PERSONA_RUNTIME_RATE", default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub runtime_rate: u32,
    /// Hours a runtime action waits for a reviewer before it reads `expired`.
    #[arg(long, env = "PERSONA_APPROVAL_EXPIRY_HOURS", default_value_t = 24,
          value_parser = clap::value_parser!(u32).range(1..=720))]
    pub approval_expiry_hours: u32,
}

/// What the HTTP layers need to know, derived from `ServeArgs`.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    pub secure_cookies: bool,
    pub hsts: bool,
    /// `scheme://host[:port]` of --public-url, accepted as an Origin.
    pub public_origin: Option<String>,
    pub trust_forwarded_for: bool,
    /// Per-token limit of the runtime API.
    pub runtime_rate: crate::runtime::rate_limit::RateLimit,
}

impl WebConfig {
    pub fn from_args(args: &ServeArgs) -> Result<Self, String> {
        let public_origin = args.public_url.as_deref().map(parse_origin).transpose()?;
        let https = public_origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://"));
        let secure_cookies = match args.secure_cookies {
            SecureCookies::Auto => https,
            SecureCookies::On => true,
            SecureCookies::Off => false,
        };
        Ok(Self {
            secure_cookies,
            hsts: https,
            public_origin,
            trust_forwarded_for: args.trust_forwarded_for,
            runtime_rate: crate::runtime::rate_limit::RateLimit {
                per_second: args.runtime_rate,
                burst: args.runtime_rate.saturating_mul(2),
            },
        })
    }
}

/// `https://Console.Example.com/path` → `https://console.example.com`.
pub fn parse_origin(url: &str) -> Result<String, String> {
    let url = url.trim();
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("public URL `{url}` needs a scheme (http:// or https://)"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(format!("public URL `{url}` must be http:// or https://"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') || authority.contains(char::is_whitespace) {
        return Err(format!("public URL `{url}` has no usable host"));
    }
    Ok(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

pub fn database_url(raw: &str) -> Result<DatabaseUrl, String> {
    DatabaseUrl::parse(raw).map_err(|e| format!("DATABASE_URL is not usable: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Probe {
        #[command(flatten)]
        serve: ServeArgs,
    }

    fn args(list: &[&str]) -> ServeArgs {
        let mut argv = vec!["probe"];
        argv.extend_from_slice(list);
        match Probe::try_parse_from(argv) {
            Ok(p) => p.serve,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn defaults_suit_plain_http_on_localhost() -> Result<(), String> {
        let a = args(&[]);
        assert_eq!(a.addr, "127.0.0.1:3000".parse().map_err(|_| "addr")?);
        let web = WebConfig::from_args(&a)?;
        assert!(!web.secure_cookies && !web.hsts);
        Ok(())
    }

    #[test]
    fn an_https_public_url_turns_on_secure_cookies_and_hsts() -> Result<(), String> {
        let web = WebConfig::from_args(&args(&["--public-url", "https://Console.Example.com/x"]))?;
        assert!(web.secure_cookies && web.hsts);
        assert_eq!(
            web.public_origin.as_deref(),
            Some("https://console.example.com")
        );
        let off = WebConfig::from_args(&args(&[
            "--public-url",
            "https://c.example.com",
            "--secure-cookies",
            "off",
        ]))?;
        assert!(!off.secure_cookies && off.hsts);
        Ok(())
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        let probe = |argv: &[&str]| Probe::try_parse_from(argv.iter().copied()).is_err();
        assert!(probe(&["probe", "--addr", "not-an-address"]));
        assert!(probe(&["probe", "--secure-cookies", "maybe"]));
        assert!(parse_origin("console.example.com").is_err());
        assert!(parse_origin("ftp://x.example.com").is_err());
        assert!(database_url("mysql://x").is_err_and(|e| e.contains("DATABASE_URL")));
    }
}
