//! Each tag's row details, read for the rows in view only: a `HEAD` for the digest the tag names, then
//! its manifest or index by that digest, its platforms' manifests and one config, every document hashed
//! against the digest asked for. A few tags are read at once; rows that scroll away before their turn are
//! dropped from the queue.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use strata_explain::page_link;
use strata_image::config::ImageConfig;
use strata_image::digest::Digest;
use strata_image::manifest::{self, Descriptor, Document, ImageManifest};
use strata_image::tag_table::{TagNeeds, TagSummary};
use strata_image::verification::Verification;
use yew::prelude::*;

use crate::page_clock;
use crate::registry_api::{FetchError, Fetched, Repository};

/// Tags read at once: the browser keeps six connections to the proxy, and the page's tree needs some.
const IN_FLIGHT: usize = 4;
/// Details that come in are shown together, at most this often: a thousand rows read for a sort by date
/// re-render the table a few times a second, not a thousand times.
const RENDER_EVERY_MS: i32 = 100;

/// What is known of one tag.
#[derive(Debug, Clone, PartialEq)]
pub enum TagDetail {
    /// Asked for, not yet answered.
    Reading {
        /// The digest the tag names, once the registry said.
        digest: Option<String>,
    },
    /// The digest only: a registry that counts manifest reads as pulls (Docker Hub) answers a `HEAD` for
    /// free, and the rest waits for the reader to ask.
    Named {
        /// The digest the registry says the tag names.
        digest: String,
    },
    /// Every document read and verified.
    Known {
        /// The digest the tag names.
        digest: String,
        /// What its documents say.
        summary: TagSummary,
    },
    /// A document did not hash to its digest, or could not be read.
    Failed {
        /// The digest the tag names, when the registry said.
        digest: Option<String>,
        /// What went wrong, for the reader.
        reason: String,
        /// A document's bytes hashed to something else.
        mismatch: bool,
    },
}

/// The tags' details and the queue that reads them.
pub struct TagDetails {
    repository: Repository,
    details: HashMap<String, TagDetail>,
    pending: VecDeque<String>,
    in_flight: usize,
    /// What each image (by its digest) was read to: tags of an image already read cost only their `HEAD`.
    summaries: HashMap<String, TagSummary>,
    /// A re-render is waiting for its turn.
    render_due: bool,
    /// The registry's pull allowance, once a `HEAD` showed it counts pulls (Docker Hub's rate-limit
    /// headers): rows then show the digest only, until the reader asks for more.
    pub pull_allowance: Option<String>,
    /// The reader asked for every detail despite the allowance.
    read_in_full: bool,
    changed: Callback<()>,
}

/// The details, shared by the table and the reads under way.
pub type SharedDetails = Rc<RefCell<TagDetails>>;

/// The details of `name`'s tags (`registry/repository`), re-rendering the caller as they come.
#[hook]
pub fn use_tag_details(registry: &str, repository: &str) -> SharedDetails {
    let update = use_force_update();
    let repository = Repository {
        registry: registry.to_owned(),
        repository: repository.to_owned(),
    };
    let shared = use_mut_ref(move || TagDetails {
        repository,
        details: HashMap::new(),
        pending: VecDeque::new(),
        in_flight: 0,
        summaries: HashMap::new(),
        render_due: false,
        pull_allowance: None,
        read_in_full: false,
        changed: Callback::from(move |()| update.force_update()),
    });
    {
        // Leaving the page stops what waits (reads under way end on their own, unseen).
        let shared = shared.clone();
        use_effect_with((), move |_| {
            move || {
                let mut details = shared.borrow_mut();
                details.pending.clear();
                details.changed = Callback::noop();
            }
        });
    }
    shared
}

impl TagDetails {
    /// What is known of `tag`, if it was asked for.
    pub fn get(&self, tag: &str) -> Option<&TagDetail> {
        self.details.get(tag)
    }

    /// How many of `tags` are read to the end, well or not.
    pub fn settled<'a>(&self, tags: impl Iterator<Item = &'a str>) -> usize {
        tags.filter(|tag| {
            matches!(
                self.details.get(*tag),
                Some(TagDetail::Known { .. } | TagDetail::Failed { .. } | TagDetail::Named { .. })
            )
        })
        .count()
    }
}

/// Reads `tags` in full, manifests and configs too, whatever the registry counts as pulls.
pub fn read_in_full(shared: &SharedDetails, tags: &[String]) {
    {
        let mut details = shared.borrow_mut();
        details.read_in_full = true;
        details.pending.clear();
    }
    want(shared, tags);
}

/// Reads `tags` next, in this order, instead of whatever was waiting: the rows in view (or, for an order
/// that needs them, every row).
pub fn want(shared: &SharedDetails, tags: &[String]) {
    {
        let mut details = shared.borrow_mut();
        let name = format!(
            "{}/{}",
            details.repository.registry, details.repository.repository
        );
        // A listed name that is no tag is never put in a request's path (`../x`, `a?b`).
        let waiting: VecDeque<String> = tags
            .iter()
            .filter(|tag| match details.details.get(*tag) {
                None => true,
                Some(TagDetail::Named { .. }) => details.read_in_full,
                Some(_) => false,
            })
            .filter(|tag| page_link::tagged(&name, tag).is_ok())
            .cloned()
            .collect();
        if waiting == details.pending {
            return;
        }
        details.pending = waiting;
    }
    pump(shared);
}

fn pump(shared: &SharedDetails) {
    loop {
        let (tag, repository) = {
            let mut details = shared.borrow_mut();
            if details.in_flight >= IN_FLIGHT {
                return;
            }
            let Some(tag) = details.pending.pop_front() else {
                return;
            };
            details.in_flight += 1;
            details
                .details
                .insert(tag.clone(), TagDetail::Reading { digest: None });
            (tag, details.repository.clone())
        };
        let shared = shared.clone();
        yew::platform::spawn_local(async move {
            let report = {
                let (shared, tag) = (shared.clone(), tag.clone());
                move |detail: TagDetail| {
                    shared.borrow_mut().details.insert(tag.clone(), detail);
                    render_soon(&shared);
                }
            };
            let detail = read_tag(&shared, &repository, &tag, &report).await;
            shared.borrow_mut().in_flight -= 1;
            report(detail);
            pump(&shared);
        });
    }
}

/// Re-renders the table once the details that came in meanwhile are all there (see [`RENDER_EVERY_MS`]).
fn render_soon(shared: &SharedDetails) {
    if std::mem::replace(&mut shared.borrow_mut().render_due, true) {
        return;
    }
    let shared = shared.clone();
    page_clock::after_ms(RENDER_EVERY_MS, move || {
        let changed = {
            let mut details = shared.borrow_mut();
            details.render_due = false;
            details.changed.clone()
        };
        changed.emit(());
    });
}

/// Reads one tag to its end.
async fn read_tag(
    shared: &SharedDetails,
    repository: &Repository,
    tag: &str,
    report: &impl Fn(TagDetail),
) -> TagDetail {
    let failed = |digest: Option<&Digest>, reason: String, mismatch: bool| TagDetail::Failed {
        digest: digest.map(Digest::to_string),
        reason,
        mismatch,
    };
    let head = match repository.manifest_head(tag).await {
        Ok(head) => head,
        Err(error) => return failed(None, error.message, false),
    };
    let Some(digest) = head
        .registry_digest
        .as_deref()
        .and_then(|digest| Digest::parse(digest).ok())
    else {
        return failed(
            None,
            "the registry did not say which digest the tag names (no Docker-Content-Digest)"
                .to_owned(),
            false,
        );
    };
    if let Some(summary) = shared.borrow().summaries.get(&digest.to_string()) {
        return TagDetail::Known {
            digest: digest.to_string(),
            summary: summary.clone(),
        };
    }
    // Docker Hub counts every manifest read as a pull, never a `HEAD`.
    if let Some(allowance) = head.rate_limit.describe() {
        let mut details = shared.borrow_mut();
        details.pull_allowance = Some(allowance);
        if !details.read_in_full {
            return TagDetail::Named {
                digest: digest.to_string(),
            };
        }
    }
    report(TagDetail::Reading {
        digest: Some(digest.to_string()),
    });
    let root = match verified(
        repository.manifest(&digest.to_string()).await,
        &digest,
        None,
    ) {
        Ok(fetched) => fetched,
        Err(checked) => return failed(Some(&digest), checked.reason, checked.mismatch),
    };
    let read = match manifest::read_document(&root.bytes, root.content_type.as_deref()) {
        Ok(read) => read,
        Err(error) => return failed(Some(&digest), error.to_string(), false),
    };
    let (mut summary, mut needs) = TagSummary::from_root(&read.document);
    if let TagNeeds::PlatformManifests(entries) = &needs {
        // Every platform's manifest asked for at once, each read in a task of its own.
        let reads: Vec<_> = entries
            .iter()
            .map(|entry| {
                let (send, read) = futures::channel::oneshot::channel();
                let (repository, entry) = (repository.clone(), entry.clone());
                yew::platform::spawn_local(async move {
                    let _ = send.send(platform_manifest(&repository, &entry).await);
                });
                read
            })
            .collect();
        let mut manifests = Vec::new();
        for read in reads {
            match read.await {
                Ok(Err(checked)) if checked.mismatch => {
                    return failed(Some(&digest), checked.reason, true);
                }
                Ok(read) => manifests.push(read.ok()),
                Err(_) => manifests.push(None),
            }
        }
        needs = summary.with_platform_manifests(&manifests);
    }
    if let TagNeeds::Config(config) = &needs {
        match image_config(repository, config).await {
            Ok(config) => summary.with_config(&config),
            Err(checked) if checked.mismatch => {
                return failed(Some(&digest), checked.reason, true);
            }
            Err(_) => {}
        }
    }
    shared
        .borrow_mut()
        .summaries
        .insert(digest.to_string(), summary.clone());
    TagDetail::Known {
        digest: digest.to_string(),
        summary,
    }
}

/// Why a document is not trusted.
struct Unchecked {
    reason: String,
    mismatch: bool,
}

/// The fetched document when its bytes hash to `digest` (and have the size a descriptor states).
fn verified(
    fetched: Result<Fetched, FetchError>,
    digest: &Digest,
    size: Option<u64>,
) -> Result<Fetched, Unchecked> {
    let fetched = fetched.map_err(|error| Unchecked {
        reason: error.message,
        mismatch: false,
    })?;
    match fetched.checked_against(digest, size) {
        Verification::Verified { .. } => Ok(fetched),
        other => Err(Unchecked {
            mismatch: matches!(
                other,
                Verification::Mismatch { .. } | Verification::SizeMismatch { .. }
            ),
            reason: other.explain(),
        }),
    }
}

impl Unchecked {
    fn unreadable(reason: impl ToString) -> Unchecked {
        Unchecked {
            reason: reason.to_string(),
            mismatch: false,
        }
    }
}

/// A platform's manifest, verified against its index entry.
async fn platform_manifest(
    repository: &Repository,
    entry: &Descriptor,
) -> Result<ImageManifest, Unchecked> {
    let digest = entry.parsed_digest().map_err(Unchecked::unreadable)?;
    let fetched = verified(
        repository.manifest(&digest.to_string()).await,
        &digest,
        Some(entry.size),
    )?;
    match manifest::read_document(&fetched.bytes, fetched.content_type.as_deref())
        .map_err(Unchecked::unreadable)?
        .document
    {
        Document::Manifest(manifest) => Ok(*manifest),
        _ => Err(Unchecked::unreadable("not an image manifest")),
    }
}

/// An image config, verified against its descriptor.
async fn image_config(
    repository: &Repository,
    config: &Descriptor,
) -> Result<ImageConfig, Unchecked> {
    let digest = config.parsed_digest().map_err(Unchecked::unreadable)?;
    let fetched = verified(
        repository.blob(&digest.to_string()).await,
        &digest,
        Some(config.size),
    )?;
    ImageConfig::parse(&fetched.bytes).map_err(Unchecked::unreadable)
}
