//! TLS for the probe: a client configuration whose certificate check is
//! recorded as data instead of aborting the handshake, and a reader of the
//! presented certificates.
//!
//! Opportunistic SMTP (RFC 3207, RFC 7435) does not verify MX certificates
//! unless DANE or MTA-STS says so, so a probe that refused to finish the
//! handshake on a self-signed certificate would call working servers broken.
//! [`RecordingVerifier`] runs the real web-PKI check, remembers its verdict
//! and lets the handshake continue; handshake signatures are still verified,
//! so the peer must hold the key of the certificate it shows. What this
//! module is not: a DANE or MTA-STS checker, and not a trust decision for
//! delivering mail.

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use port25_core::probe_types::CertificateInfo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

/// What the certificate check found for one handshake.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// The chain verified against the roots (ignoring the name).
    pub chain_verified: bool,
    /// The leaf is valid for the server name.
    pub name_matches: bool,
    /// The first verification error, if any.
    pub error: Option<String>,
}

/// A certificate verifier that records the web-PKI verdict and accepts.
#[derive(Debug)]
pub struct RecordingVerifier {
    /// The web-PKI verifier; `None` when there are no roots at all, in
    /// which case no chain can verify.
    inner: Option<Arc<WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
    verdict: Mutex<Option<Verdict>>,
}

impl RecordingVerifier {
    /// Returns the verdict of the last handshake, if a certificate was seen.
    pub fn verdict(&self) -> Option<Verdict> {
        self.verdict.lock().map(|v| v.clone()).unwrap_or(None)
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let checked = match &self.inner {
            Some(inner) => {
                inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            None => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
        };
        let verdict = match checked {
            Ok(_) => Verdict {
                chain_verified: true,
                name_matches: true,
                error: None,
            },
            Err(error) => {
                let name_only = matches!(
                    error,
                    rustls::Error::InvalidCertificate(
                        CertificateError::NotValidForName
                            | CertificateError::NotValidForNameContext { .. }
                    )
                );
                Verdict {
                    chain_verified: name_only,
                    name_matches: name_only_check(end_entity, server_name),
                    error: Some(describe_error(&error, server_name)),
                }
            }
        };
        if let Ok(mut slot) = self.verdict.lock() {
            *slot = Some(verdict);
        }
        // Security decision: accept whatever the chain check said. The probe
        // sends nothing secret over this connection; it only reports.
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Says what went wrong with a certificate in plain words: never a Rust
/// type name, so the report reads the same in the page, the CLI and JSON.
fn describe_error(error: &rustls::Error, server_name: &ServerName<'_>) -> String {
    let rustls::Error::InvalidCertificate(cert_error) = error else {
        return describe_rustls_error(error);
    };
    let name = server_name.to_str();
    match cert_error {
        CertificateError::UnknownIssuer => {
            "unknown issuer: the chain does not lead to a trusted root".into()
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "the certificate has expired".into()
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "the certificate is not valid yet".into()
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            format!("the certificate is not valid for {name}")
        }
        CertificateError::Revoked => "the certificate is revoked".into(),
        CertificateError::BadEncoding => "the certificate is malformed".into(),
        CertificateError::BadSignature => "a signature in the chain does not verify".into(),
        CertificateError::UnsupportedSignatureAlgorithmContext { .. }
        | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            "the chain is signed with an algorithm the probe does not accept".into()
        }
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "the certificate is not meant for TLS servers (its extended key usage)".into()
        }
        CertificateError::UnhandledCriticalExtension => {
            "the certificate has a critical extension the probe does not understand".into()
        }
        CertificateError::Other(other) => other
            .0
            .downcast_ref::<webpki::Error>()
            .map_or("the certificate did not verify", describe_webpki_error)
            .into(),
        _ => "the certificate did not verify".into(),
    }
}

/// The web-PKI errors rustls passes on untranslated (as `Other`), in words.
fn describe_webpki_error(error: &webpki::Error) -> &'static str {
    use webpki::Error as E;
    match error {
        E::CaUsedAsEndEntity => {
            "the server presents a CA certificate as its own: a certificate for the server itself is needed"
        }
        E::EndEntityUsedAsCa => "a server certificate is used as a CA in the chain",
        E::CertDistrusted => "the certificate's issuer is no longer trusted",
        E::PathLenConstraintViolated | E::MaximumPathDepthExceeded => {
            "the chain is longer than its CAs allow"
        }
        E::NameConstraintViolation => "the certificate names a host its CA may not certify",
        E::InvalidSerialNumber
        | E::MalformedExtensions
        | E::ExtensionValueInvalid
        | E::UnsupportedCertVersion
        | E::EmptyEkuExtension => "the certificate is malformed",
        E::UnsupportedCriticalExtension => {
            "the certificate has a critical extension the probe does not understand"
        }
        E::SignatureAlgorithmMismatch => "the certificate's signature algorithm fields disagree",
        _ => "the certificate did not verify",
    }
}

/// A TLS error in plain words: what the server did, not rustls's names.
pub fn describe_rustls_error(error: &rustls::Error) -> String {
    use rustls::{AlertDescription as A, Error as E};
    match error {
        E::AlertReceived(alert) => match alert {
            A::HandshakeFailure | A::InsufficientSecurity => {
                "the server ended the handshake: it shares no TLS version or cipher with the probe".into()
            }
            A::ProtocolVersion => {
                "the server ended the handshake: it does not speak TLS 1.2 or 1.3".into()
            }
            A::UnrecognisedName => "the server does not know the name the probe asked for (SNI)".into(),
            A::InternalError => "the server reported an internal error during the handshake".into(),
            _ => "the server ended the handshake with an alert".into(),
        },
        E::PeerIncompatible(_) => {
            "the server and the probe share no TLS version or cipher (the server may offer only TLS 1.0 or 1.1)".into()
        }
        E::InvalidMessage(_) | E::InappropriateMessage { .. } | E::InappropriateHandshakeMessage { .. } => {
            "the server's answer is not a valid TLS handshake (perhaps not TLS at all)".into()
        }
        E::PeerMisbehaved(_) => "the server broke the TLS protocol during the handshake".into(),
        E::NoCertificatesPresented => "the server presented no certificate".into(),
        E::DecryptError => "the handshake's cryptography did not check out".into(),
        E::InvalidCertificate(_) => "the server's certificate could not be used".into(),
        _ => "the TLS handshake failed".into(),
    }
}

/// A failed handshake (the I/O error tokio-rustls returns) in plain words.
pub fn describe_handshake_error(error: &std::io::Error) -> String {
    if let Some(tls) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return describe_rustls_error(tls);
    }
    match error.kind() {
        std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset => {
            "the server closed the connection during the handshake".into()
        }
        std::io::ErrorKind::TimedOut => "the handshake timed out".into(),
        _ => "the TLS handshake failed".into(),
    }
}

/// Checks only whether the leaf is valid for the name, independent of the
/// chain, so "untrusted issuer" and "wrong name" are reported apart.
fn name_only_check(end_entity: &CertificateDer<'_>, server_name: &ServerName<'_>) -> bool {
    rustls::server::ParsedCertificate::try_from(end_entity)
        .and_then(|cert| rustls::client::verify_server_name(&cert, server_name))
        .is_ok()
}

/// The public web-PKI roots (Mozilla's list, via `webpki-roots`).
pub fn web_pki_roots() -> RootCertStore {
    RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    }
}

/// Builds a client configuration for one handshake, with a fresh recording
/// verifier over `roots`. TLS 1.2 and 1.3 only, as rustls supports; ring is
/// the crypto provider.
pub fn client_config(
    roots: Arc<RootCertStore>,
) -> Result<(ClientConfig, Arc<RecordingVerifier>), rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let inner = if roots.is_empty() {
        None
    } else {
        Some(
            WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
                .build()
                .map_err(|e| rustls::Error::General(e.to_string()))?,
        )
    };
    let verifier = Arc::new(RecordingVerifier {
        inner,
        algorithms: provider.signature_verification_algorithms,
        verdict: Mutex::new(None),
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    Ok((config, verifier))
}

/// Returns the name rustls should send as SNI and verify against: the DNS
/// name, or the IP address for an IP-literal target.
pub fn server_name(host: &str) -> Option<ServerName<'static>> {
    ServerName::try_from(host.to_owned()).ok()
}

/// Describes the presented chain, leaf first. Certificates that do not parse
/// are described as such rather than dropped.
pub fn describe_chain(chain: &[CertificateDer<'_>], now: SystemTime) -> Vec<CertificateInfo> {
    let now_secs = now
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    chain
        .iter()
        .map(|der| describe(der.as_ref(), now_secs))
        .collect()
}

fn describe(der: &[u8], now_secs: i64) -> CertificateInfo {
    use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        return CertificateInfo {
            subject: "(unparseable certificate)".into(),
            sans: Vec::new(),
            issuer: String::new(),
            not_before: String::new(),
            not_after: String::new(),
            days_left: 0,
        };
    };
    let mut sans = Vec::new();
    if let Ok(Some(ext)) = cert.subject_alternative_name() {
        for name in &ext.value.general_names {
            match name {
                GeneralName::DNSName(dns) => sans.push((*dns).to_owned()),
                GeneralName::IPAddress(bytes) => match bytes.len() {
                    4 => sans.push(
                        std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*bytes).unwrap_or_default())
                            .to_string(),
                    ),
                    16 => sans.push(
                        std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*bytes).unwrap_or_default())
                            .to_string(),
                    ),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    let not_before = cert.validity().not_before.timestamp();
    let not_after = cert.validity().not_after.timestamp();
    CertificateInfo {
        subject: cert.subject().to_string(),
        sans,
        issuer: cert.issuer().to_string(),
        not_before: rfc3339(not_before),
        not_after: rfc3339(not_after),
        days_left: (not_after - now_secs).div_euclid(86_400),
    }
}

/// Formats a Unix timestamp as RFC 3339 UTC, e.g. `2026-01-31T12:00:00Z`.
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = port25_core::calendar::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Names a negotiated protocol version the way people write it.
pub fn version_name(version: rustls::ProtocolVersion) -> String {
    match version {
        rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".into(),
        rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".into(),
        other => format!("{other:?}"),
    }
}

/// Ensures the process has a default crypto provider (ring), for code that
/// builds rustls configurations without naming one.
pub fn install_default_provider() {
    let _ = CryptoProvider::install_default(rustls::crypto::ring::default_provider());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_words_not_type_names() {
        let name = server_name("mx.example.com").unwrap();
        let ca_as_leaf = rustls::Error::InvalidCertificate(CertificateError::Other(
            rustls::OtherError(Arc::new(webpki::Error::CaUsedAsEndEntity)),
        ));
        let cases = [
            (
                ca_as_leaf,
                "the server presents a CA certificate as its own: a certificate for the server itself is needed",
            ),
            (
                rustls::Error::InvalidCertificate(CertificateError::NotValidForName),
                "the certificate is not valid for mx.example.com",
            ),
            (
                rustls::Error::AlertReceived(rustls::AlertDescription::HandshakeFailure),
                "the server ended the handshake: it shares no TLS version or cipher with the probe",
            ),
        ];
        for (error, want) in cases {
            let words = describe_error(&error, &name);
            assert_eq!(words, want);
            assert!(!words.contains('('), "{words}");
        }
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::PeerIncompatible(rustls::PeerIncompatible::Tls12NotOffered),
        );
        assert!(describe_handshake_error(&io).starts_with("the server and the probe share no TLS"));
        let eof = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
        assert_eq!(
            describe_handshake_error(&eof),
            "the server closed the connection during the handshake"
        );
    }

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_798_761_599), "2026-12-31T23:59:59Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn web_pki_roots_are_present() {
        assert!(web_pki_roots().len() > 50);
    }

    #[test]
    fn server_names_accept_dns_names_and_ips() {
        assert!(matches!(
            server_name("mx.example.com"),
            Some(ServerName::DnsName(_))
        ));
        assert!(matches!(
            server_name("192.0.2.1"),
            Some(ServerName::IpAddress(_))
        ));
        assert!(server_name("bad name").is_none());
    }

    #[test]
    fn certificates_are_described() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params =
            rcgen::CertificateParams::new(vec!["mx.example.com".into(), "192.0.2.1".into()])
                .unwrap();
        params.not_before = rcgen::date_time_ymd(2026, 1, 1);
        params.not_after = rcgen::date_time_ymd(2026, 3, 1);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "mx.example.com");
        let cert = params.self_signed(&key).unwrap();
        let now = UNIX_EPOCH + std::time::Duration::from_secs(1_770_000_000); // 2026-02-02
        let infos = describe_chain(&[cert.der().clone()], now);
        assert_eq!(infos.len(), 1);
        let info = &infos[0];
        assert_eq!(info.subject, "CN=mx.example.com");
        assert_eq!(info.issuer, "CN=mx.example.com");
        assert_eq!(info.sans, ["mx.example.com", "192.0.2.1"]);
        assert_eq!(info.not_before, "2026-01-01T00:00:00Z");
        assert_eq!(info.not_after, "2026-03-01T00:00:00Z");
        assert_eq!(info.days_left, 26);
        let garbage = describe_chain(&[CertificateDer::from(vec![1, 2, 3])], now);
        assert_eq!(garbage[0].subject, "(unparseable certificate)");
    }
}
