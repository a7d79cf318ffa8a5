//! What the options are: one table (the `options!` invocation below) from which the [`Options`] struct, its
//! defaults, the [`OptionName`] enum, each option's attribute name, parser and error text are
//! all generated. Adding an option is one entry in that table (plus its documentation in
//! `docs/contract.md` §1 and the README); the compiler then points at every `match` on
//! [`OptionName`] that must learn it.

use super::parse::{self, Value};
use crate::wire::Properties;

/// Declares an enum of keywords (`popup`, `modal`…): its variants, the text of each, the
/// lookup by text (case-insensitive) and the phrase listing them for error messages, all from
/// one list.
macro_rules! keywords {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }
        default $default:ident
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order of the table.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The values as a phrase, for messages: `"popup, modal or inline"`.
            pub const CHOICES: &'static str = or_list!($($text),+);

            /// Its name in options and markup (also a CSS class of the prompt).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value named `text` (ASCII case-insensitive).
            pub fn from_name(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| text.eq_ignore_ascii_case(v.as_str()))
            }
        }

        impl Default for $name {
            fn default() -> $name {
                $name::$default
            }
        }

        impl parse::Keyword for $name {
            fn from_name(text: &str) -> Option<$name> {
                $name::from_name(text)
            }
        }
    };
}

/// `"a, b, c"` from literals, at compile time.
macro_rules! comma_list {
    ($a:literal) => { $a };
    ($a:literal, $($rest:literal),+) => { concat!($a, ", ", comma_list!($($rest),+)) };
}

/// `"a, b or c"` from literals, at compile time.
macro_rules! or_list {
    ($a:literal) => { $a };
    ($a:literal, $b:literal) => { concat!($a, " or ", $b) };
    ($a:literal, $($rest:literal),+) => { concat!($a, ", ", or_list!($($rest),+)) };
}

keywords! {
    /// Where the prompt appears.
    Mode {
        /// A card in a corner of the page.
        Popup = "popup",
        /// A centred dialog over the page.
        Modal = "modal",
        /// Inside the element named by `data-target`.
        Inline = "inline",
        /// Fills the screen and asks every visitor, resetting itself for the next one
        /// (a tablet at the point of sale, docs/contract.md §8).
        Kiosk = "kiosk",
    }
    default Popup
}

keywords! {
    /// When the prompt opens by itself.
    Trigger {
        /// After the delay / scroll depth / exit intent configured.
        Auto = "auto",
        /// Only when `show()` is called.
        Manual = "manual",
    }
    default Auto
}

keywords! {
    /// Colour scheme.
    Theme {
        /// Light colours.
        Light = "light",
        /// Dark colours.
        Dark = "dark",
        /// Follows `prefers-color-scheme`.
        Auto = "auto",
    }
    default Auto
}

keywords! {
    /// The body of each POST (docs/contract.md §4).
    Format {
        /// The `nps.batch/1` object.
        Nps = "nps",
        /// The responses, one JSON object per line (ClickHouse `FORMAT JSONEachRow`, Vector).
        Ndjson = "ndjson",
        /// A JSON array of the responses (PostgREST / Supabase bulk insert).
        JsonArray = "json-array",
    }
    default Nps
}

impl Format {
    /// The `Content-Type` a POST of this format carries unless `data-content-type` says otherwise.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Ndjson => "application/x-ndjson",
            Format::Nps | Format::JsonArray => "application/json",
        }
    }
}

/// Extra request headers, `(name, value)`, in the order given.
pub type Headers = Vec<(String, String)>;

impl Options {
    /// The `Content-Type` of each POST: `data-content-type`, else the format's.
    pub fn request_content_type(&self) -> &str {
        self.content_type
            .as_deref()
            .unwrap_or(self.format.content_type())
    }
}

/// The option table. Each entry:
/// `Variant field: Type = default, "key", parser, "what it accepts", fatal;`
/// where `key` is the attribute without `data-` (`delay-ms`),
/// `parser` is a `fn(Value) -> Option<Type>` of [`parse`] and `fatal` says whether a
/// rejected value makes the widget stay inactive.
macro_rules! options {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $field:ident : $ty:ty = $default:expr,
            $key:literal, $parser:path, $expected:expr, $fatal:literal;
    )+) => {
        /// The validated configuration of one widget (docs/contract.md §1).
        #[derive(Clone, Debug, PartialEq)]
        pub struct Options {
            $( $(#[doc = $doc])* pub $field: $ty, )+
        }

        impl Default for Options {
            /// The defaults of docs/contract.md §1.
            fn default() -> Options {
                Options { $( $field: $default, )+ }
            }
        }

        /// Names every option: the key of the option table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum OptionName {
            $( $(#[doc = $doc])* $variant, )+
        }

        impl OptionName {
            /// Every option, in the order of the table (and of `docs/contract.md` §1).
            pub const ALL: &'static [OptionName] = &[$(OptionName::$variant),+];

            /// The script tag's attribute, e.g. `"data-delay-ms"`.
            pub fn attribute(self) -> &'static str {
                match self {
                    $(OptionName::$variant => concat!("data-", $key),)+
                }
            }

            /// The key without `data-`, e.g. `"delay-ms"` (camelCase: `delayMs`).
            pub fn key(self) -> &'static str {
                match self {
                    $(OptionName::$variant => $key,)+
                }
            }

            /// What an unknown key is told: every key there is.
            pub const KEYS: &'static str = concat!(
                "one of ",
                comma_list!($($key),+),
                " (with or without data-, or in camelCase)"
            );

            /// What the option accepts, as the end of an error message.
            pub fn expected(self) -> &'static str {
                match self {
                    $(OptionName::$variant => $expected,)+
                }
            }

            /// Whether a rejected value leaves the widget inactive.
            pub fn fatal(self) -> bool {
                match self {
                    $(OptionName::$variant => $fatal,)+
                }
            }

            /// Parses `value` into its field of `options`; `false` (field untouched) when the
            /// value is refused.
            pub(super) fn apply(self, options: &mut Options, value: Value<'_>) -> bool {
                match self {
                    $(OptionName::$variant => match $parser(value) {
                        Some(v) => {
                            options.$field = v;
                            true
                        }
                        None => false,
                    },)+
                }
            }
        }
    };
}

options! {
    /// URL receiving batches; `None` = local-only mode (nothing is sent).
    Endpoint endpoint: Option<String> = None,
        "endpoint", parse::endpoint,
        "an https:// URL (http:// only for localhost, 127.0.0.1 or [::1]), e.g. https://api.example.com/v1/responses",
        true;
    /// Journey step the answers belong to.
    Touchpoint touchpoint: String = "default".to_owned(),
        "touchpoint", parse::touchpoint, "a name of 1 to 100 characters, e.g. checkout", false;
    /// Requested BCP 47 tag; `None` = use `navigator.language`.
    Locale locale: Option<String> = None,
        "locale", parse::locale, "a BCP 47 language tag, e.g. en or pt-BR", false;
    /// Company name used in the question; `None` = generic wording.
    Company company: Option<String> = None,
        "company", parse::company, "a name of at most 100 characters", false;
    /// Where the prompt appears.
    Mode mode: Mode = Mode::Popup,
        "mode", parse::keyword, Mode::CHOICES, false;
    /// CSS selector of the container for [`Mode::Inline`].
    Target target: Option<String> = None,
        "target", parse::optional_text,
        "a CSS selector of the container when data-mode is inline", false;
    /// When the prompt opens by itself.
    Trigger trigger: Trigger = Trigger::Auto,
        "trigger", parse::keyword, Trigger::CHOICES, false;
    /// Wait before an automatic show, in ms.
    DelayMs delay_ms: u32 = 3000,
        "delay-ms", parse::whole, parse::EXPECT_MS, false;
    /// Show once this percentage of the page is scrolled (0 = off).
    ScrollPercent scroll_percent: u8 = 0,
        "scroll-percent", parse::percent, "a whole number from 0 to 100", false;
    /// Show when the pointer leaves toward the browser chrome.
    ExitIntent exit_intent: bool = false,
        "exit-intent", parse::boolean, parse::EXPECT_BOOL, false;
    /// Days not to ask again after an answer.
    RecontactDays recontact_days: u32 = 90,
        "recontact-days", parse::whole, parse::EXPECT_DAYS, false;
    /// Days not to ask again after a dismiss.
    DismissDays dismiss_days: u32 = 7,
        "dismiss-days", parse::whole, parse::EXPECT_DAYS, false;
    /// Fraction 0..=1 of eligible visitors who are asked.
    Sample sample: f64 = 1.0,
        "sample", parse::fraction, "a number between 0 and 1", false;
    /// Responses per POST, 1..=50.
    BatchSize batch_size: u8 = 20,
        "batch-size", parse::batch_size, "a whole number from 1 to 50", false;
    /// Longest wait of a response before a flush is attempted, in ms.
    FlushMs flush_ms: u32 = 5000,
        "flush-ms", parse::whole, parse::EXPECT_MS, false;
    /// Show the live NPS panel of this browser's responses.
    Preview preview: bool = false,
        "preview", parse::boolean, parse::EXPECT_BOOL, false;
    /// Colour scheme.
    Theme theme: Theme = Theme::Auto,
        "theme", parse::keyword, Theme::CHOICES, false;
    /// Extra properties attached to every response.
    Properties properties: Properties = Properties::new(),
        "properties", parse::properties, crate::wire::EXPECT_PROPERTIES, false;
    /// The body of each POST.
    Format format: Format = Format::Nps,
        "format", parse::keyword, Format::CHOICES, false;
    /// `Content-Type` of each POST; `None` = the format's ([`Format::content_type`]).
    ContentType content_type: Option<String> = None,
        "content-type", parse::content_type,
        "a media type, e.g. text/plain", false;
    /// Extra request headers of each POST.
    Headers headers: Headers = Headers::new(),
        "headers", parse::headers, parse::EXPECT_HEADERS, false;
    /// [`Mode::Kiosk`]: how long after the last touch or key the prompt resets itself for the
    /// next customer (after the thank-you, or with a score chosen and not sent: then recorded).
    KioskResetMs kiosk_reset_ms: u32 = 5000,
        "kiosk-reset-ms", parse::whole, parse::EXPECT_MS, false;
}
