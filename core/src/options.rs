//! Widget options (docs/contract.md §1): the script tag's `data-` attributes and
//! `NpsWidget.init({...})`.
//!
//! - [`model`]: the option table — every option's name, type, default, parser and error text in
//!   one entry, from which [`Options`] and [`OptionName`] are generated;
//! - [`parse`](parse_options): key spellings, the value parsers, [`OptionError`];
//! - [`negotiate_locale`]: the nearest supported locale; [`endpoint_allowed`]: the URL rule.
//!
//! A bad cosmetic option is reported and its default kept; a bad endpoint, or `inline` mode
//! without a target, is *fatal*: the widget then stays inactive. Parsing never fails as a
//! whole, so the host page never breaks.

mod locale;
pub mod model;
mod parse;
mod url;

pub use locale::negotiate_locale;
pub use model::{Format, Headers, Mode, OptionName, Options, Theme, Trigger};
pub use parse::{must_be, parse_options, OptionError, Parsed, Value, MAX_COMPANY_CHARS};
pub use url::endpoint_allowed;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{Properties, PropertyValue};

    fn parse(pairs: &[(&str, &str)]) -> Parsed {
        parse_options(pairs.iter().copied())
    }

    /// Parses one option and returns its error message ("" when accepted).
    fn message(key: &str, value: &str) -> String {
        parse(&[(key, value)])
            .errors
            .first()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn defaults_match_contract() {
        let p = parse(&[]);
        assert!(p.active());
        assert!(p.errors.is_empty());
        let o = p.options;
        assert_eq!(o, Options::default());
        assert_eq!(o.endpoint, None);
        assert_eq!(o.touchpoint, "default");
        assert_eq!((o.locale, o.company, o.target), (None, None, None));
        assert_eq!(
            (o.mode, o.trigger, o.theme),
            (Mode::Popup, Trigger::Auto, Theme::Auto)
        );
        assert_eq!(
            (o.delay_ms, o.scroll_percent, o.exit_intent),
            (3000, 0, false)
        );
        assert_eq!((o.recontact_days, o.dismiss_days), (90, 7));
        assert_eq!(
            (o.sample, o.batch_size, o.flush_ms, o.preview),
            (1.0, 20, 5000, false)
        );
        assert!(o.properties.is_empty());
    }

    #[test]
    fn every_option_happy_path() {
        let p = parse(&[
            ("data-endpoint", " https://api.example.com/v1/responses "),
            ("data-touchpoint", "delivery"),
            ("data-locale", "pt-BR"),
            ("data-company", "Acme"),
            ("data-mode", "INLINE"),
            ("data-target", "#survey"),
            ("data-trigger", "manual"),
            ("data-delay-ms", "0"),
            ("data-scroll-percent", "100"),
            ("data-exit-intent", "true"),
            ("data-recontact-days", "30"),
            ("data-dismiss-days", "0"),
            ("data-sample", "0.25"),
            ("data-batch-size", "50"),
            ("data-flush-ms", "1000"),
            ("data-preview", "TRUE"),
            ("data-theme", "dark"),
        ]);
        assert_eq!(p.errors, []);
        assert!(p.active());
        let o = p.options;
        assert_eq!(
            o.endpoint.as_deref(),
            Some("https://api.example.com/v1/responses")
        );
        assert_eq!(o.touchpoint, "delivery");
        assert_eq!(o.locale.as_deref(), Some("pt-BR"));
        assert_eq!(o.company.as_deref(), Some("Acme"));
        assert_eq!(o.mode, Mode::Inline);
        assert_eq!(o.target.as_deref(), Some("#survey"));
        assert_eq!(o.trigger, Trigger::Manual);
        assert_eq!(
            (o.delay_ms, o.scroll_percent, o.exit_intent),
            (0, 100, true)
        );
        assert_eq!((o.recontact_days, o.dismiss_days), (30, 0));
        assert_eq!(
            (o.sample, o.batch_size, o.flush_ms, o.preview),
            (0.25, 50, 1000, true)
        );
        assert_eq!(o.theme, Theme::Dark);
    }

    #[test]
    fn key_spellings() {
        for (key, want) in [
            ("delay-ms", 1),
            ("data-delay-ms", 2),
            ("delayMs", 3),
            ("DATA-delay-ms", 4),
            ("delay_ms", 5),
            ("DATA-DELAY-MS", 6),
        ] {
            let v = want.to_string();
            let p = parse(&[(key, v.as_str())]);
            assert_eq!(p.errors, [], "{key}");
            assert_eq!(p.options.delay_ms, want, "{key}");
        }
        let p = parse(&[
            ("scrollPercent", "50"),
            ("exitIntent", "true"),
            ("recontactDays", "1"),
            ("dismissDays", "2"),
            ("batchSize", "3"),
            ("flushMs", "4"),
        ]);
        assert_eq!(p.errors, []);
        let o = p.options;
        assert_eq!(
            (
                o.scroll_percent,
                o.exit_intent,
                o.recontact_days,
                o.dismiss_days,
                o.batch_size,
                o.flush_ms
            ),
            (50, true, 1, 2, 3, 4)
        );
    }

    #[test]
    fn later_keys_override_earlier() {
        let p = parse(&[("theme", "dark"), ("data-theme", "light")]);
        assert_eq!(p.options.theme, Theme::Light);
    }

    #[test]
    fn error_messages_name_option_and_value() {
        let cases = [
            (
                "data-sample",
                "abc",
                r#"data-sample must be a number between 0 and 1, got "abc""#,
            ),
            (
                "sample",
                "1.5",
                r#"data-sample must be a number between 0 and 1, got "1.5""#,
            ),
            (
                "sample",
                "-0.1",
                r#"data-sample must be a number between 0 and 1, got "-0.1""#,
            ),
            (
                "sample",
                "NaN",
                r#"data-sample must be a number between 0 and 1, got "NaN""#,
            ),
            (
                "sample",
                "inf",
                r#"data-sample must be a number between 0 and 1, got "inf""#,
            ),
            (
                "sample",
                "",
                r#"data-sample must be a number between 0 and 1, got """#,
            ),
            (
                "batchSize",
                "0",
                r#"data-batch-size must be a whole number from 1 to 50, got "0""#,
            ),
            (
                "batch-size",
                "51",
                r#"data-batch-size must be a whole number from 1 to 50, got "51""#,
            ),
            (
                "batch-size",
                "2.5",
                r#"data-batch-size must be a whole number from 1 to 50, got "2.5""#,
            ),
            (
                "delay-ms",
                "-1",
                r#"data-delay-ms must be a whole number of milliseconds from 0 to 4294967295, got "-1""#,
            ),
            (
                "delay-ms",
                "4294967296",
                r#"data-delay-ms must be a whole number of milliseconds from 0 to 4294967295, got "4294967296""#,
            ),
            (
                "flush-ms",
                "soon",
                r#"data-flush-ms must be a whole number of milliseconds from 0 to 4294967295, got "soon""#,
            ),
            (
                "scroll-percent",
                "101",
                r#"data-scroll-percent must be a whole number from 0 to 100, got "101""#,
            ),
            (
                "exit-intent",
                "yes",
                r#"data-exit-intent must be true or false, got "yes""#,
            ),
            (
                "preview",
                "1",
                r#"data-preview must be true or false, got "1""#,
            ),
            (
                "recontact-days",
                "ninety",
                r#"data-recontact-days must be a whole number of days from 0 to 4294967295, got "ninety""#,
            ),
            (
                "dismiss-days",
                "-7",
                r#"data-dismiss-days must be a whole number of days from 0 to 4294967295, got "-7""#,
            ),
            (
                "mode",
                "sidebar",
                r#"data-mode must be popup, modal, inline or kiosk, got "sidebar""#,
            ),
            (
                "trigger",
                "scroll",
                r#"data-trigger must be auto or manual, got "scroll""#,
            ),
            (
                "theme",
                "blue",
                r#"data-theme must be light, dark or auto, got "blue""#,
            ),
            (
                "touchpoint",
                "  ",
                r#"data-touchpoint must be a name of 1 to 100 characters, e.g. checkout, got "  ""#,
            ),
            (
                "locale",
                "r",
                r#"data-locale must be a BCP 47 language tag, e.g. en or pt-BR, got "r""#,
            ),
            (
                "locale",
                "ru!",
                r#"data-locale must be a BCP 47 language tag, e.g. en or pt-BR, got "ru!""#,
            ),
            (
                "properties",
                "[1]",
                r#"data-properties must be a JSON object whose values are strings, numbers or booleans, got "[1]""#,
            ),
        ];
        for (key, value, want) in cases {
            assert_eq!(message(key, value), want);
            let p = parse(&[(key, value)]);
            assert!(p.active(), "{key}={value} must not be fatal");
            // A bad value keeps the default.
            assert_eq!(p.options, Options::default(), "{key}={value}");
        }
        assert_eq!(
            message("touchpoint", &"t".repeat(101)),
            format!(
                "data-touchpoint must be a name of 1 to 100 characters, e.g. checkout, got \"{}\"",
                "t".repeat(101)
            )
        );
        assert_eq!(message("touchpoint", &"ж".repeat(100)), "");
        assert!(message("company", &"c".repeat(101))
            .starts_with("data-company must be a name of at most 100 characters"));
    }

    #[test]
    fn option_error_fields() {
        let p = parse(&[("data-sample", "abc")]);
        assert_eq!(
            p.errors,
            [OptionError {
                option: "data-sample",
                value: "abc".into(),
                expected: "a number between 0 and 1",
                fatal: false,
            }]
        );
    }

    #[test]
    fn unknown_key_is_reported_not_fatal() {
        let p = parse(&[("colour", "red"), ("touchpoint", "support")]);
        assert!(p.active());
        assert_eq!(p.options.touchpoint, "support");
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].option, "option name");
        assert_eq!(p.errors[0].value, "colour");
        assert!(p.errors[0]
            .to_string()
            .starts_with("option name must be one of endpoint, touchpoint, locale,"));
        assert!(p.errors[0].to_string().ends_with("got \"colour\""));
    }

    #[test]
    fn empty_optional_values_mean_absent() {
        let p = parse(&[("locale", ""), ("company", " "), ("target", "")]);
        assert_eq!(p.errors, []);
        assert_eq!(
            (p.options.locale, p.options.company, p.options.target),
            (None, None, None)
        );
        // A bare boolean attribute (`data-preview`) means true.
        let p = parse(&[("data-preview", ""), ("data-exit-intent", "False")]);
        assert_eq!(p.errors, []);
        assert!(p.options.preview);
        assert!(!p.options.exit_intent);
        for tag in ["ru", "en-US", "zh_Hant_TW", "x-private", "sr-Latn-RS"] {
            assert_eq!(message("locale", tag), "", "{tag}");
        }
    }

    #[test]
    fn endpoint_rules() {
        for ok in [
            "https://api.example.com/v1/responses",
            "HTTPS://API.EXAMPLE.COM",
            "https://example.com:8443/x?y=1#z",
            "https://xn--80ak6aa92e.com/",
            "https://пример.рф/nps",
            "https://[2001:db8::1]/v1",
            "http://localhost:8080/v1/responses",
            "HTTP://LOCALHOST/",
            "http://127.0.0.1/x",
            "http://127.0.0.1:9",
            "http://[::1]:3000/",
        ] {
            let p = parse(&[("data-endpoint", ok)]);
            assert_eq!(p.errors, [], "{ok}");
            assert_eq!(p.options.endpoint.as_deref(), Some(ok));
        }
        for bad in [
            "",
            "   ",
            "http://example.com/v1",
            "http://192.168.1.10/",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "ftp://example.com/x",
            "data:text/html,hi",
            "/v1/responses",
            "v1/responses",
            "//example.com/v1",
            "https://",
            "https:///v1",
            "https://:443/",
            "https://.example.com/",
            "https://exa mple.com/",
            "https://user:pw@example.com/",
            "http://localhost@evil.com/",
            "http://localhost.evil.com/",
            "http://127.0.0.1.nip.io/",
            "https://example.com:abc/",
            "https://example.com:/",
            "https://[::1/",
            "https://ex<ample.com",
            "ｈttps://example.com",
        ] {
            let p = parse(&[("endpoint", bad)]);
            assert!(!p.active(), "{bad:?} must be fatal");
            assert_eq!(p.options.endpoint, None);
            assert_eq!(p.errors.len(), 1);
            assert_eq!(p.errors[0].option, "data-endpoint");
            assert!(p.errors[0].fatal);
        }
        assert_eq!(
            message("data-endpoint", "javascript:alert(1)"),
            "data-endpoint must be an https:// URL (http:// only for localhost, 127.0.0.1 or [::1]), \
             e.g. https://api.example.com/v1/responses, got \"javascript:alert(1)\""
        );
    }

    #[test]
    fn inline_needs_a_target() {
        let p = parse(&[("mode", "inline")]);
        assert!(!p.active());
        assert_eq!(
            p.errors[0].to_string(),
            "data-target must be a CSS selector of the container when data-mode is inline, got \"\""
        );
        // Order does not matter.
        let p = parse(&[("target", "#nps"), ("mode", "inline")]);
        assert!(p.active());
        assert_eq!(p.options.target.as_deref(), Some("#nps"));
        // A target without inline mode is harmless.
        assert!(parse(&[("target", "#nps")]).active());
    }

    #[test]
    fn properties_come_read_from_an_object() {
        let mut p = Properties::new();
        p.insert("total".into(), PropertyValue::Number(0.1 + 0.2));
        p.insert("__proto__".into(), PropertyValue::Bool(true));
        let parsed = parse_options([("properties", Value::Properties(&p))]);
        assert_eq!(parsed.errors, []);
        assert_eq!(parsed.options.properties, p);
        // Text is only "none" (the widget parses JSON text with the browser's parser first).
        assert_eq!(parse(&[("data-properties", " ")]).errors, []);
        assert_eq!(
            message("data-properties", r#"{"a":1"#),
            r#"data-properties must be a JSON object whose values are strings, numbers or booleans, got "{"a":1""#
        );
        // Non-finite numbers are refused, whoever read them.
        p.insert("bad".into(), PropertyValue::Number(f64::NAN));
        let parsed = parse_options([("properties", Value::Properties(&p))]);
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].option, "data-properties");
        assert!(parsed.options.properties.is_empty());
    }

    #[test]
    fn sample_takes_plain_decimals() {
        assert_eq!(parse(&[("data-sample", "0.125")]).options.sample, 0.125);
        assert_eq!(
            message("data-sample", "1e-1"),
            r#"data-sample must be a number between 0 and 1, got "1e-1""#
        );
    }

    /// A value each option accepts, and what it becomes. The match is exhaustive: a new option
    /// does not compile until it has a case here.
    fn accepted(name: OptionName) -> (&'static str, fn(&Options) -> bool) {
        match name {
            OptionName::Endpoint => ("https://x.example/v1", |o| {
                o.endpoint.as_deref() == Some("https://x.example/v1")
            }),
            OptionName::Touchpoint => ("delivery", |o| o.touchpoint == "delivery"),
            OptionName::Locale => ("pt-BR", |o| o.locale.as_deref() == Some("pt-BR")),
            OptionName::Company => ("Acme", |o| o.company.as_deref() == Some("Acme")),
            OptionName::Mode => ("modal", |o| o.mode == Mode::Modal),
            OptionName::Target => ("#nps", |o| o.target.as_deref() == Some("#nps")),
            OptionName::Trigger => ("manual", |o| o.trigger == Trigger::Manual),
            OptionName::DelayMs => ("12", |o| o.delay_ms == 12),
            OptionName::ScrollPercent => ("40", |o| o.scroll_percent == 40),
            OptionName::ExitIntent => ("true", |o| o.exit_intent),
            OptionName::RecontactDays => ("30", |o| o.recontact_days == 30),
            OptionName::DismissDays => ("3", |o| o.dismiss_days == 3),
            OptionName::Sample => ("0.5", |o| o.sample == 0.5),
            OptionName::BatchSize => ("7", |o| o.batch_size == 7),
            OptionName::FlushMs => ("250", |o| o.flush_ms == 250),
            OptionName::Preview => ("true", |o| o.preview),
            OptionName::Theme => ("dark", |o| o.theme == Theme::Dark),
            OptionName::Properties => ("", |o| o.properties.is_empty()),
            OptionName::Format => ("NDJSON", |o| o.format == Format::Ndjson),
            OptionName::ContentType => ("text/plain;charset=UTF-8", |o| {
                o.content_type.as_deref() == Some("text/plain;charset=UTF-8")
            }),
            OptionName::Headers => ("", |o| o.headers.is_empty()),
            OptionName::KioskResetMs => ("800", |o| o.kiosk_reset_ms == 800),
        }
    }

    /// A value each option refuses and the whole message (None: every text is accepted, or the
    /// refused value is built at run time).
    fn refused(name: OptionName) -> Option<(&'static str, &'static str)> {
        Some(match name {
            OptionName::Endpoint => ("http://example.com", "data-endpoint must be an https:// URL (http:// only for localhost, 127.0.0.1 or [::1]), e.g. https://api.example.com/v1/responses, got \"http://example.com\""),
            OptionName::Touchpoint => ("", "data-touchpoint must be a name of 1 to 100 characters, e.g. checkout, got \"\""),
            OptionName::Locale => ("e", "data-locale must be a BCP 47 language tag, e.g. en or pt-BR, got \"e\""),
            // Refused only above 100 characters: checked below.
            OptionName::Company => return None,
            OptionName::Mode => ("kiosk!", "data-mode must be popup, modal, inline or kiosk, got \"kiosk!\""),
            OptionName::Target => return None,
            OptionName::Trigger => ("scroll", "data-trigger must be auto or manual, got \"scroll\""),
            OptionName::DelayMs => ("1s", "data-delay-ms must be a whole number of milliseconds from 0 to 4294967295, got \"1s\""),
            OptionName::ScrollPercent => ("101", "data-scroll-percent must be a whole number from 0 to 100, got \"101\""),
            OptionName::ExitIntent => ("yes", "data-exit-intent must be true or false, got \"yes\""),
            OptionName::RecontactDays => ("-1", "data-recontact-days must be a whole number of days from 0 to 4294967295, got \"-1\""),
            OptionName::DismissDays => ("x", "data-dismiss-days must be a whole number of days from 0 to 4294967295, got \"x\""),
            OptionName::Sample => ("abc", "data-sample must be a number between 0 and 1, got \"abc\""),
            OptionName::BatchSize => ("51", "data-batch-size must be a whole number from 1 to 50, got \"51\""),
            OptionName::FlushMs => ("soon", "data-flush-ms must be a whole number of milliseconds from 0 to 4294967295, got \"soon\""),
            OptionName::Preview => ("1", "data-preview must be true or false, got \"1\""),
            OptionName::Theme => ("blue", "data-theme must be light, dark or auto, got \"blue\""),
            OptionName::Properties => ("[1]", "data-properties must be a JSON object whose values are strings, numbers or booleans, got \"[1]\""),
            OptionName::Format => ("csv", "data-format must be nps, ndjson or json-array, got \"csv\""),
            OptionName::ContentType => ("json", "data-content-type must be a media type, e.g. text/plain, got \"json\""),
            OptionName::Headers => ("apikey: x", "data-headers must be a JSON object of string header values, e.g. {\"apikey\": \"…\"}, got \"apikey: x\""),
            OptionName::KioskResetMs => ("5 s", "data-kiosk-reset-ms must be a whole number of milliseconds from 0 to 4294967295, got \"5 s\""),
        })
    }

    #[test]
    fn every_option_round_trips_name_and_value() {
        assert_eq!(OptionName::ALL.len(), 22);
        for &name in OptionName::ALL {
            let key = name.key();
            assert_eq!(name.attribute(), format!("data-{key}"));
            let camel: String = key
                .split('-')
                .enumerate()
                .map(|(i, w)| {
                    if i == 0 {
                        w.to_owned()
                    } else {
                        w[..1].to_uppercase() + &w[1..]
                    }
                })
                .collect();
            for spelling in [
                name.attribute(),
                key,
                camel.as_str(),
                &key.replace('-', "_"),
            ] {
                assert_eq!(OptionName::from_key(spelling), Some(name), "{spelling}");
            }
            assert!(
                OptionName::KEYS.contains(key),
                "{key} missing from the unknown-key message"
            );
            let (value, holds) = accepted(name);
            let p = parse(&[(name.attribute(), value)]);
            assert_eq!(p.errors, [], "{key}={value}");
            assert!(holds(&p.options), "{key}={value}");
            assert_eq!(name.fatal(), name == OptionName::Endpoint);
        }
    }

    #[test]
    fn every_refused_value_has_its_message() {
        for &name in OptionName::ALL {
            let Some((value, want)) = refused(name) else {
                continue;
            };
            assert_eq!(message(name.key(), value), want, "{}", name.key());
        }
        assert!(message("company", &"c".repeat(101))
            .starts_with("data-company must be a name of at most 100 characters, got"));
    }

    #[test]
    fn locale_negotiation() {
        let supported = ["en", "ru", "de", "pt-BR"];
        assert_eq!(negotiate_locale("ru", &supported), "ru");
        assert_eq!(negotiate_locale("ru-RU", &supported), "ru");
        assert_eq!(negotiate_locale("RU_ru", &supported), "ru");
        assert_eq!(negotiate_locale("pt-br", &supported), "pt-BR");
        assert_eq!(negotiate_locale("pt-PT", &supported), "pt-BR");
        assert_eq!(negotiate_locale("de-AT", &supported), "de");
        assert_eq!(negotiate_locale("fr-FR", &supported), "en");
        assert_eq!(negotiate_locale("", &supported), "en");
        assert_eq!(negotiate_locale("r", &supported), "en");
        assert_eq!(negotiate_locale("de", &["fr", "de"]), "de");
        assert_eq!(negotiate_locale("ja", &["fr", "de"]), "fr");
        assert_eq!(negotiate_locale("ja", &[]), "en");
    }

    #[test]
    fn mode_trigger_theme_names() {
        assert_eq!(Mode::Modal.as_str(), "modal");
        assert_eq!(Mode::Inline.as_str(), "inline");
        assert_eq!(Mode::Popup.as_str(), "popup");
        assert_eq!(Mode::Kiosk.as_str(), "kiosk");
        assert_eq!(Trigger::Manual.as_str(), "manual");
        assert_eq!(Trigger::Auto.as_str(), "auto");
        assert_eq!(Theme::Light.as_str(), "light");
        assert_eq!(Theme::Dark.as_str(), "dark");
        assert_eq!(Theme::Auto.as_str(), "auto");
        for &m in Mode::ALL {
            assert_eq!(Mode::from_name(&m.as_str().to_uppercase()), Some(m));
        }
        for &t in Trigger::ALL {
            assert_eq!(Trigger::from_name(t.as_str()), Some(t));
        }
        for &t in Theme::ALL {
            assert_eq!(Theme::from_name(t.as_str()), Some(t));
        }
        assert_eq!(Mode::CHOICES, "popup, modal, inline or kiosk");
        assert_eq!(Trigger::CHOICES, "auto or manual");
        assert_eq!(Theme::CHOICES, "light, dark or auto");
        assert_eq!(Mode::default(), Mode::Popup);
        assert_eq!(Theme::default(), Theme::Auto);
    }

    fn object(pairs: &[(&str, PropertyValue)]) -> Properties {
        let mut p = Properties::new();
        for (k, v) in pairs {
            p.insert((*k).to_owned(), v.clone());
        }
        p
    }

    #[test]
    fn headers_are_string_values_under_token_names() {
        let s = |v: &str| PropertyValue::String(v.to_owned());
        let ok = object(&[
            ("apikey", s("anon.key")),
            ("Prefer", s("resolution=ignore-duplicates")),
        ]);
        let parsed = parse_options([("data-headers", &ok)]);
        assert_eq!(parsed.errors, []);
        assert_eq!(
            parsed.options.headers,
            vec![
                (
                    "Prefer".to_owned(),
                    "resolution=ignore-duplicates".to_owned()
                ),
                ("apikey".to_owned(), "anon.key".to_owned()),
            ]
        );
        for bad in [
            object(&[("apikey", PropertyValue::Number(1.0))]),
            object(&[("api key", s("x"))]),
            object(&[("x-a", s("line\r\nInjected: 1"))]),
            object(&[("Content-Type", s("text/plain"))]),
        ] {
            let parsed = parse_options([("headers", &bad)]);
            assert_eq!(parsed.errors.len(), 1, "{bad:?}");
            assert_eq!(parsed.errors[0].option, "data-headers");
            assert!(parsed.active(), "a bad header is not fatal: {bad:?}");
            assert!(parsed.options.headers.is_empty());
        }
    }

    #[test]
    fn content_type_follows_the_format_unless_given() {
        let o = |pairs: &[(&str, &str)]| parse(pairs).options.request_content_type().to_owned();
        assert_eq!(o(&[]), "application/json");
        assert_eq!(o(&[("data-format", "ndjson")]), "application/x-ndjson");
        assert_eq!(o(&[("data-format", "json-array")]), "application/json");
        assert_eq!(
            o(&[
                ("data-format", "ndjson"),
                ("data-content-type", "text/plain")
            ]),
            "text/plain"
        );
        // A bad value: one error, and the format's default.
        let p = parse(&[("data-content-type", "text/plain\nX: 1")]);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.options.request_content_type(), "application/json");
        assert_eq!(
            parse(&[("data-content-type", "")]).options.content_type,
            None
        );
    }
}
