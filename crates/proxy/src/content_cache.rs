//! Content addressed by digest, kept in memory: bounded by bytes, least recently used out first, and only
//! bytes whose digest the proxy checked itself.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Mutex;

use bytes::Bytes;
use strata_image::digest::Digest;

/// Blobs larger than this are streamed, never kept.
pub const MAX_BLOB_ENTRY: u64 = 4 * 1024 * 1024;

/// Bookkeeping counted against the budget for each entry besides its bytes.
const ENTRY_OVERHEAD: u64 = 256;

/// What is kept: a manifest or a blob of one repository, by digest. The repository is part of the key so
/// content fetched with one repository's credentials is never answered for another.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    /// `host[:port]` of the registry API.
    pub registry: String,
    /// The repository.
    pub repository: String,
    /// Manifest (true) or blob (false).
    pub manifest: bool,
    /// The digest.
    pub digest: Digest,
}

/// A kept answer.
#[derive(Debug, Clone)]
pub struct CachedContent {
    /// The bytes, which hash to the key's digest.
    pub bytes: Bytes,
    /// The registry's `Content-Type`.
    pub content_type: Option<String>,
}

#[derive(Default)]
struct Lru {
    entries: HashMap<CacheKey, (CachedContent, u64)>,
    order: BTreeMap<u64, CacheKey>,
    used: u64,
    tick: u64,
}

/// The cache, shared by every request.
pub struct ContentCache {
    capacity: u64,
    lru: Mutex<Lru>,
}

impl fmt::Debug for ContentCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (entries, used) = self
            .lru
            .lock()
            .map(|lru| (lru.entries.len(), lru.used))
            .unwrap_or_default();
        f.debug_struct("ContentCache")
            .field("capacity", &self.capacity)
            .field("entries", &entries)
            .field("used", &used)
            .finish()
    }
}

fn cost(key: &CacheKey, content: &CachedContent) -> u64 {
    content.bytes.len() as u64 + (key.registry.len() + key.repository.len()) as u64 + ENTRY_OVERHEAD
}

impl ContentCache {
    /// A cache holding at most `capacity` bytes (0 keeps nothing).
    pub fn new(capacity: u64) -> ContentCache {
        ContentCache {
            capacity,
            lru: Mutex::new(Lru::default()),
        }
    }

    /// The kept answer for `key`, marked as just used.
    pub fn get(&self, key: &CacheKey) -> Option<CachedContent> {
        let mut lru = self.lru.lock().ok()?;
        lru.tick += 1;
        let tick = lru.tick;
        let (content, used) = lru.entries.get_mut(key)?;
        let content = content.clone();
        let previous = std::mem::replace(used, tick);
        lru.order.remove(&previous);
        lru.order.insert(tick, key.clone());
        Some(content)
    }

    /// Keeps `content` when its bytes hash to the key's digest and it fits; returns whether it was kept.
    /// Older entries make room, least recently used first.
    pub fn insert(&self, key: CacheKey, content: CachedContent) -> bool {
        if key.digest.compute_same_algorithm(&content.bytes).as_ref() != Some(&key.digest) {
            return false;
        }
        let size = cost(&key, &content);
        if size > self.capacity {
            return false;
        }
        let Ok(mut lru) = self.lru.lock() else {
            return false;
        };
        if let Some((old, tick)) = lru.entries.remove(&key) {
            lru.order.remove(&tick);
            lru.used -= cost(&key, &old);
        }
        while lru.used + size > self.capacity {
            let Some((_, oldest)) = lru.order.pop_first() else {
                break;
            };
            if let Some((old, _)) = lru.entries.remove(&oldest) {
                lru.used -= cost(&oldest, &old);
            }
        }
        lru.tick += 1;
        let tick = lru.tick;
        lru.order.insert(tick, key.clone());
        lru.entries.insert(key, (content, tick));
        lru.used += size;
        true
    }

    /// Bytes in use, counting bookkeeping.
    pub fn used(&self) -> u64 {
        self.lru.lock().map(|lru| lru.used).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> (CacheKey, CachedContent) {
        let bytes = Bytes::from(text.as_bytes().to_vec());
        (
            CacheKey {
                registry: "r.io".into(),
                repository: "a".into(),
                manifest: true,
                digest: Digest::sha256_of(&bytes),
            },
            CachedContent {
                bytes,
                content_type: None,
            },
        )
    }

    #[test]
    fn keeps_only_verified_bytes() {
        let cache = ContentCache::new(1 << 20);
        let (key, mut content) = entry("hello");
        content.bytes = Bytes::from_static(b"tampered");
        assert!(
            !cache.insert(key.clone(), content),
            "poisoned bytes are never kept"
        );
        assert!(cache.get(&key).is_none());
        let (key, content) = entry("hello");
        assert!(cache.insert(key.clone(), content));
        assert_eq!(cache.get(&key).expect("kept").bytes.as_ref(), b"hello");
    }

    #[test]
    fn evicts_least_recently_used_within_the_budget() {
        let one = cost(&entry("aaaa").0, &entry("aaaa").1);
        let cache = ContentCache::new(one * 2);
        let (a, a_content) = entry("aaaa");
        let (b, b_content) = entry("bbbb");
        let (c, c_content) = entry("cccc");
        assert!(cache.insert(a.clone(), a_content));
        assert!(cache.insert(b.clone(), b_content));
        assert!(cache.get(&a).is_some(), "a is now the most recent");
        assert!(cache.insert(c.clone(), c_content));
        assert!(cache.get(&b).is_none(), "b was least recently used");
        assert!(cache.get(&a).is_some() && cache.get(&c).is_some());
        assert_eq!(cache.used(), one * 2);
        let (big, mut big_content) = entry(&"x".repeat(10));
        big_content.bytes = Bytes::from(vec![b'x'; (one * 3) as usize]);
        let big = CacheKey {
            digest: Digest::sha256_of(&big_content.bytes),
            ..big
        };
        assert!(
            !cache.insert(big, big_content),
            "larger than the whole budget"
        );
        assert!(!ContentCache::new(0).insert(a, entry("aaaa").1));
    }

    #[test]
    fn reinserting_does_not_double_count() {
        let cache = ContentCache::new(1 << 20);
        let (key, content) = entry("same");
        assert!(cache.insert(key.clone(), content.clone()));
        let used = cache.used();
        assert!(cache.insert(key, content));
        assert_eq!(cache.used(), used);
    }
}
