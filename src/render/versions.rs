//! A page's two versions from one render. The standard page and its 关怀版 copy differ only in
//! the parts a theme prints with `{{ per_version("partials/head.html") }}` (the head with
//! care.css, the header with the toggle): those small templates are rendered once per
//! version, the rest of the page once for both. `per_version` prints both versions of its
//! part between markers, and [`split`] cuts the page into the two versions at them.

use minijinja::value::{Enumerator, Object, Value};
use minijinja::{context, Error, ErrorKind, State};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The fields of the page head that differ between the versions: only a `per_version` part
/// sees them.
const VERSIONED: [&str; 2] = ["care", "counterpart"];

/// What templates see as `page` on a page made in both versions: the head's fields, except
/// those that differ between the versions, which only a `per_version` part may read.
#[derive(Debug)]
pub(crate) struct PageVersions {
    /// The standard page's head: its fields but the versioned ones are the same in both.
    head: Value,
    /// What a `per_version` part renders with in each version: the page's context with the
    /// version's full head as `page`.
    standard_part: Value,
    care_part: Value,
    /// `Some(care)` when the page is rendered for one version only (a page whose links
    /// differ beyond its head, e.g. the 404 page): `per_version` then prints that one.
    only: Option<bool>,
    /// A template asked for `page.care` or `page.counterpart` outside a `per_version` part:
    /// the undefined-variable error then says where they may be used.
    asked: AtomicBool,
}

impl PageVersions {
    /// Both versions in one render; `standard` and `care` are the full page heads, `rest` the
    /// page's context but `page` (a part sees it as an include at the page's top would).
    pub(crate) fn both(standard: Value, care: Value, rest: &Value) -> Arc<Self> {
        Arc::new(PageVersions {
            standard_part: context! { page => standard.clone(), ..rest.clone() },
            care_part: context! { page => care, ..rest.clone() },
            head: standard,
            only: None,
            asked: AtomicBool::new(false),
        })
    }

    /// One version only, with its full page head.
    pub(crate) fn one(head: Value, care: bool, rest: &Value) -> Arc<Self> {
        let part = context! { page => head.clone(), ..rest.clone() };
        Arc::new(PageVersions {
            head,
            standard_part: part.clone(),
            care_part: part,
            only: Some(care),
            asked: AtomicBool::new(false),
        })
    }

    /// Did a template read a versioned field outside a `per_version` part?
    pub(crate) fn asked_for_version(&self) -> bool {
        self.asked.load(Ordering::Relaxed)
    }
}

impl Object for PageVersions {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let name = key.as_str()?;
        if VERSIONED.contains(&name) {
            self.asked.store(true, Ordering::Relaxed);
            return None;
        }
        self.head.get_attr(name).ok().filter(|v| !v.is_undefined())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let keys: Vec<Value> = self
            .head
            .try_iter()
            .map(|keys| {
                keys.filter(|k| !k.as_str().is_some_and(|k| VERSIONED.contains(&k)))
                    .collect()
            })
            .unwrap_or_default();
        Enumerator::Values(keys)
    }
}

/// The markers around a `per_version` part's two versions: a NUL, a number drawn once per
/// process (a page's own text cannot forge it) and the marker's kind. They never reach a
/// file: [`split`] takes them out.
struct Markers {
    prefix: String,
}

const OPEN: char = 'o';
const CARE: char = 'c';
const CLOSE: char = 'e';

fn markers() -> &'static Markers {
    static MARKERS: OnceLock<Markers> = OnceLock::new();
    MARKERS.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let nonce = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        // Digits only, so that no filter that changes letter case can alter a marker.
        Markers {
            prefix: format!("\0gk{nonce}"),
        }
    })
}

/// What a theme did wrong when per_version()'s markers arrive out of order or as plain text.
pub(crate) const CUT: &str = "the text per_version() returned was changed or cut before it reached the page; print it whole, as {{ per_version(\"partials/head.html\") }}";

/// Does `text`, a string about to be printed, hold a `per_version` marker?
pub(crate) fn holds_marker(text: &str) -> bool {
    memchr::memchr(0, text.as_bytes()).is_some() && text.contains(markers().prefix.as_str())
}

/// `per_version(name)`: renders the template `name` once per version, with `page.care` and
/// `page.counterpart` set, and prints both between markers. On a page made in one version it
/// prints that one; where `page` is plain (inside a part, or in a page without versions) it
/// prints the template as an include would.
pub(crate) fn per_version(state: &State, name: &str) -> Result<Value, Error> {
    let template = state.get_template(name)?;
    let page = state.lookup("page");
    let text = match page
        .as_ref()
        .and_then(|p| p.downcast_object_ref::<PageVersions>())
    {
        Some(v) => match v.only {
            Some(false) => template.render(&v.standard_part)?,
            Some(true) => template.render(&v.care_part)?,
            None => {
                let prefix = &markers().prefix;
                let standard = template.render(&v.standard_part)?;
                let care = template.render(&v.care_part)?;
                format!("{prefix}{OPEN}{standard}{prefix}{CARE}{care}{prefix}{CLOSE}")
            }
        },
        None => {
            // Rare (a part within a part): the context is gathered as an include gets it.
            let mut ctx = std::collections::BTreeMap::new();
            for var in state.known_variables() {
                if let Some(v) = state.lookup(&var) {
                    ctx.insert(var.into_owned(), v);
                }
            }
            template.render(Value::from(ctx))?
        }
    };
    Ok(Value::from_safe_string(text))
}

/// The standard page and the 关怀版 page in `html`, a page rendered with
/// [`PageVersions::both`]: the text outside the `per_version` parts belongs to both, each
/// part's first version to the standard page, its second to the 关怀版.
pub(crate) fn split(html: &str) -> Result<(String, String), Error> {
    let prefix = markers().prefix.as_str();
    let finder = memchr::memmem::Finder::new(prefix.as_bytes());
    let mut standard = String::with_capacity(html.len());
    let mut care = String::with_capacity(html.len() + 64);
    // The kind of marker expected next: a part opens, its 关怀版 begins, it closes.
    let mut expect = OPEN;
    let mut copied = 0;
    for at in finder.find_iter(html.as_bytes()) {
        let kind = html[at + prefix.len()..].chars().next();
        if kind != Some(expect) {
            return Err(Error::new(ErrorKind::InvalidOperation, CUT));
        }
        let text = &html[copied..at];
        match expect {
            OPEN => {
                standard.push_str(text);
                care.push_str(text);
                expect = CARE;
            }
            CARE => {
                standard.push_str(text);
                expect = CLOSE;
            }
            _ => {
                care.push_str(text);
                expect = OPEN;
            }
        }
        copied = at + prefix.len() + 1;
    }
    if expect != OPEN {
        return Err(Error::new(ErrorKind::InvalidOperation, CUT));
    }
    standard.push_str(&html[copied..]);
    care.push_str(&html[copied..]);
    Ok((standard, care))
}
