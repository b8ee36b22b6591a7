//! Twilio's request signature: `X-Twilio-Signature` = base64(HMAC-SHA1(auth token, the full
//! URL followed by every POST parameter's name and value, sorted by name)).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// The header Twilio signs its requests with.
pub const HEADER: &str = "x-twilio-signature";

fn mac(token: &str, url: &str, params: &[(String, String)]) -> Hmac<Sha1> {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(token.as_bytes()).expect("HMAC takes any key");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac
}

/// The signature a request to `url` with form `params` carries when signed with `token`.
pub fn sign(token: &str, url: &str, params: &[(String, String)]) -> String {
    STANDARD.encode(mac(token, url, params).finalize().into_bytes())
}

/// Whether `signature` is `token`'s signature of the request, compared in constant time.
pub fn verify(token: &str, url: &str, params: &[(String, String)], signature: &str) -> bool {
    let Ok(given) = STANDARD.decode(signature.trim()) else {
        return false;
    };
    mac(token, url, params).verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Vec<(String, String)> {
        // Out of order on purpose: the signature sorts them.
        [
            ("To", "+18005551212"),
            ("CallSid", "CA1234567890ABCDE"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("Caller", "+12349013030"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";

    /// The worked example of Twilio's "Webhooks security" guide.
    #[test]
    fn twilios_published_vector_signs_and_verifies() {
        assert_eq!(
            sign("12345", URL, &params()),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
        assert!(verify(
            "12345",
            URL,
            &params(),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
    }

    #[test]
    fn any_change_to_token_url_or_parameters_fails() {
        let good = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
        assert!(!verify("12346", URL, &params(), good));
        assert!(!verify(
            "12345",
            "https://mycompany.com/myapp.php",
            &params(),
            good
        ));
        let mut tampered = params();
        tampered[2].1 = "9999".into();
        assert!(!verify("12345", URL, &tampered, good));
        assert!(!verify(
            "12345",
            URL,
            &params(),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ"
        ));
        assert!(!verify("12345", URL, &params(), ""));
        assert!(!verify("12345", URL, &params(), "not base64!"));
    }
}
