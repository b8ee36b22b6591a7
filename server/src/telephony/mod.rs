//! The telephony provider's status callbacks (Twilio's format): where they are sent, how they
//! are signed, and how a form body becomes a [`StatusCallback`].

pub mod signature;

use app::data::telephony::{ProviderStatus, StatusCallback};
use uuid::Uuid;

/// Most form parameters a callback may carry (Twilio sends about 20).
pub const MAX_PARAMS: usize = 100;
/// Longest `CallSid` accepted (Twilio's are 34 characters).
pub const MAX_CALL_SID: usize = 64;

/// Why a callback body is malformed.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    #[error("more than {MAX_PARAMS} parameters")]
    TooManyParams,
    #[error("CallSid is missing")]
    NoCallSid,
    #[error("CallSid must be 1 to {MAX_CALL_SID} letters, digits, '-' or '_'")]
    BadCallSid,
    #[error("CallStatus is missing")]
    NoStatus,
    #[error("CallStatus {0:?} is not a Twilio call status")]
    UnknownStatus(String),
    #[error("SequenceNumber must be a whole number from 0 to 2147483647")]
    BadSequence,
}

/// The form's parameters, in the order sent (the signature sorts them itself).
pub fn parse_params(body: &[u8]) -> Result<Vec<(String, String)>, Malformed> {
    let mut params = Vec::new();
    for (k, v) in form_urlencoded::parse(body) {
        if params.len() == MAX_PARAMS {
            return Err(Malformed::TooManyParams);
        }
        params.push((k.into_owned(), v.into_owned()));
    }
    Ok(params)
}

/// The callback the parameters describe.
pub fn callback(params: &[(String, String)]) -> Result<StatusCallback, Malformed> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let sid = get("CallSid").ok_or(Malformed::NoCallSid)?;
    if sid.is_empty()
        || sid.len() > MAX_CALL_SID
        || !sid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Malformed::BadCallSid);
    }
    let status = get("CallStatus").ok_or(Malformed::NoStatus)?;
    let status = ProviderStatus::parse(status)
        .ok_or_else(|| Malformed::UnknownStatus(status.chars().take(40).collect()))?;
    let sequence = get("SequenceNumber")
        .map(|s| {
            s.parse::<i32>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or(Malformed::BadSequence)
        })
        .transpose()?;
    Ok(StatusCallback {
        call_sid: sid.to_owned(),
        status,
        sequence,
    })
}

/// The form parameters of a status callback, as Twilio sends them (also used by the demo
/// dialer, which plays the provider).
pub fn callback_params(org: Uuid, cb: &StatusCallback, to: &str) -> Vec<(String, String)> {
    let mut p = vec![
        ("AccountSid", format!("AC{}", org.simple())),
        ("ApiVersion", "2010-04-01".to_owned()),
        ("CallSid", cb.call_sid.clone()),
        ("CallStatus", cb.status.as_str().to_owned()),
        ("Direction", "outbound-api".to_owned()),
        ("From", "+15005550006".to_owned()),
        ("To", to.to_owned()),
        ("Timestamp", chrono::Utc::now().to_rfc2822()),
        ("CallbackSource", "call-progress-events".to_owned()),
    ];
    if let Some(seq) = cb.sequence {
        p.push(("SequenceNumber", seq.to_string()));
    }
    p.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Encode parameters as a form body.
pub fn form_body(params: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<StatusCallback, Malformed> {
        callback(&parse_params(body.as_bytes())?)
    }

    #[test]
    fn a_twilio_form_becomes_a_callback_and_bad_ones_say_why() {
        let cb =
            parse("CallSid=CA12&CallStatus=in-progress&SequenceNumber=2&CallDuration=").unwrap();
        assert_eq!(cb.call_sid, "CA12");
        assert_eq!(cb.status, ProviderStatus::InProgress);
        assert_eq!(cb.sequence, Some(2));
        assert_eq!(parse("CallStatus=ringing"), Err(Malformed::NoCallSid));
        assert_eq!(parse("CallSid=CA1"), Err(Malformed::NoStatus));
        assert_eq!(
            parse("CallSid=CA%0A1&CallStatus=ringing"),
            Err(Malformed::BadCallSid)
        );
        assert!(matches!(
            parse("CallSid=CA1&CallStatus=RINGING"),
            Err(Malformed::UnknownStatus(_))
        ));
        assert_eq!(
            parse("CallSid=CA1&CallStatus=ringing&SequenceNumber=-1"),
            Err(Malformed::BadSequence)
        );
        let many = (0..=MAX_PARAMS)
            .map(|i| format!("p{i}=1"))
            .collect::<Vec<_>>()
            .join("&");
        assert_eq!(parse(&many), Err(Malformed::TooManyParams));
    }

    #[test]
    fn what_the_dialer_sends_parses_back() {
        let org = Uuid::new_v4();
        let cb = StatusCallback {
            call_sid: "sim-1".into(),
            status: ProviderStatus::NoAnswer,
            sequence: Some(3),
        };
        let body = form_body(&callback_params(org, &cb, "+1 555 0100"));
        assert_eq!(parse(&body).unwrap(), cb);
    }
}
