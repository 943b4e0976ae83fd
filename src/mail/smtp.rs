//! The SMTP connection of `--smtp-url`, through lettre.

use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::MailError;
use crate::config::{SmtpSecurity, SmtpUrl};

/// How long one SMTP command may take before the attempt fails.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(15);

pub struct Transport {
    url: SmtpUrl,
    inner: AsyncSmtpTransport<Tokio1Executor>,
}

impl Transport {
    pub fn new(url: &SmtpUrl) -> Result<Transport, MailError> {
        let tls =
            TlsParameters::new(url.host.clone()).map_err(|e| MailError::Smtp(e.to_string()))?;
        let tls = match url.security {
            SmtpSecurity::StartTlsWhenOffered => Tls::Opportunistic(tls),
            SmtpSecurity::Tls => Tls::Wrapper(tls),
        };
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(url.host.as_str())
                .port(url.port)
                .tls(tls)
                .timeout(Some(COMMAND_TIMEOUT));
        if let Some((user, password)) = &url.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Transport {
            url: url.clone(),
            inner: builder.build(),
        })
    }

    /// The server, as the log may show it (no password).
    pub fn url(&self) -> &SmtpUrl {
        &self.url
    }

    /// One attempt. A permanent refusal (5xx) is `Refused`; anything else
    /// may pass and is `Failed`.
    pub async fn send(&self, message: &Message) -> Result<(), MailError> {
        match self.inner.send(message.clone()).await {
            Ok(_) => Ok(()),
            Err(error) if error.is_permanent() => Err(MailError::Refused(error.to_string())),
            Err(error) => Err(MailError::Failed(error.to_string())),
        }
    }
}
