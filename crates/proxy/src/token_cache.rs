//! Bearer tokens kept per registry and scope set until they expire, and the last challenge of each
//! registry, so a repeated request can carry its token from the first try. Everything in it came from a
//! registry or its token service, so it is bounded in bytes as well as in entries, and no field is kept
//! past its length limit.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Tokens kept at most; past that, expired ones go first, then all.
const MAX_TOKENS: usize = 4096;
/// Bytes of tokens and keys kept at most, counted the same way.
const MAX_BYTES: usize = 8 * 1024 * 1024;
/// The longest realm, service or scope list kept; a longer one is used once and not remembered.
const MAX_FIELD_BYTES: usize = 2048;

/// Which token: the registry, its token service and the sorted scopes asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenKey {
    /// `host[:port]` of the registry API.
    pub registry: String,
    /// The challenge's realm.
    pub realm: String,
    /// The challenge's service.
    pub service: String,
    /// The scopes, sorted.
    pub scopes: Vec<String>,
}

impl TokenKey {
    /// A key with its scopes sorted and deduplicated.
    pub fn new(registry: &str, realm: &str, service: &str, scopes: &str) -> TokenKey {
        let mut scopes: Vec<String> = scopes.split_whitespace().map(str::to_owned).collect();
        scopes.sort();
        scopes.dedup();
        TokenKey {
            registry: registry.to_ascii_lowercase(),
            realm: realm.to_owned(),
            service: service.to_owned(),
            scopes,
        }
    }

    /// Bytes this key holds.
    fn bytes(&self) -> usize {
        self.registry.len()
            + self.realm.len()
            + self.service.len()
            + self.scopes.iter().map(String::len).sum::<usize>()
    }

    /// Whether every field is within [`MAX_FIELD_BYTES`].
    fn fits(&self) -> bool {
        [
            self.registry.len(),
            self.realm.len(),
            self.service.len(),
            self.scopes.iter().map(String::len).sum(),
        ]
        .iter()
        .all(|length| *length <= MAX_FIELD_BYTES)
    }
}

#[derive(Debug, Default)]
struct Tokens {
    entries: HashMap<TokenKey, (String, Instant)>,
    bytes: usize,
}

impl Tokens {
    fn remove(&mut self, key: &TokenKey) {
        if let Some((token, _)) = self.entries.remove(key) {
            self.bytes = self.bytes.saturating_sub(key.bytes() + token.len());
        }
    }

    fn retain_unexpired(&mut self, now: Instant) {
        self.entries.retain(|_, (_, until)| *until > now);
        self.bytes = self
            .entries
            .iter()
            .map(|(key, (token, _))| key.bytes() + token.len())
            .sum();
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

#[derive(Debug, Clone)]
struct Realm {
    realm: String,
    service: String,
}

/// The tokens. Its `Debug` shows counts, never tokens.
#[derive(Default)]
pub struct TokenCache {
    tokens: Mutex<Tokens>,
    realms: Mutex<HashMap<String, Realm>>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (tokens, bytes) = self
            .tokens
            .lock()
            .map(|t| (t.entries.len(), t.bytes))
            .unwrap_or_default();
        f.debug_struct("TokenCache")
            .field("tokens", &tokens)
            .field("bytes", &bytes)
            .finish()
    }
}

/// How long a token is kept: its lifetime (already clamped by `strata_registry_api::token_answer`) less a margin
/// for clock and network, at least one second.
pub fn keep_for(lifetime: u64) -> Duration {
    let margin = (lifetime / 10).clamp(1, 30);
    Duration::from_secs(lifetime.saturating_sub(margin).max(1))
}

impl TokenCache {
    /// A token still valid for `key`.
    pub fn get(&self, key: &TokenKey) -> Option<String> {
        self.get_at(key, Instant::now())
    }

    fn get_at(&self, key: &TokenKey, now: Instant) -> Option<String> {
        let mut tokens = self.tokens.lock().ok()?;
        match tokens.entries.get(key) {
            Some((token, until)) if *until > now => Some(token.clone()),
            Some(_) => {
                tokens.remove(key);
                None
            }
            None => None,
        }
    }

    /// Keeps `token` for `key` for `keep` (see [`keep_for`]), and remembers the registry's realm.
    pub fn insert(&self, key: TokenKey, token: String, keep: Duration) {
        self.insert_at(key, token, keep, Instant::now());
    }

    fn insert_at(&self, key: TokenKey, token: String, keep: Duration, now: Instant) {
        let Some(until) = now.checked_add(keep) else {
            return;
        };
        let size = key.bytes() + token.len();
        if !key.fits() || size > MAX_BYTES / 64 {
            return;
        }
        if let Ok(mut realms) = self.realms.lock() {
            if realms.len() >= MAX_TOKENS {
                realms.clear();
            }
            realms.insert(
                key.registry.clone(),
                Realm {
                    realm: key.realm.clone(),
                    service: key.service.clone(),
                },
            );
        }
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.remove(&key);
            let full = |tokens: &Tokens| {
                tokens.entries.len() >= MAX_TOKENS || tokens.bytes + size > MAX_BYTES
            };
            if full(&tokens) {
                tokens.retain_unexpired(now);
            }
            if full(&tokens) {
                tokens.clear();
            }
            tokens.bytes += size;
            tokens.entries.insert(key, (token, until));
        }
    }

    /// Drops a token the registry no longer accepts.
    pub fn forget(&self, key: &TokenKey) {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.remove(key);
        }
    }

    /// The key a pull of `repository` on `registry` would use, when the registry challenged before.
    pub fn predicted_key(&self, registry: &str, repository: &str) -> Option<TokenKey> {
        let realms = self.realms.lock().ok()?;
        let realm = realms.get(&registry.to_ascii_lowercase())?;
        Some(TokenKey::new(
            registry,
            &realm.realm,
            &realm.service,
            &format!("repository:{repository}:pull"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_live_until_they_expire() {
        let cache = TokenCache::default();
        let key = TokenKey::new(
            "r.io",
            "https://auth.r.io/token",
            "r",
            "repository:a:pull repository:b:pull",
        );
        let same = TokenKey::new(
            "R.io",
            "https://auth.r.io/token",
            "r",
            "repository:b:pull  repository:a:pull",
        );
        assert_eq!(key, same, "scope order and host case do not matter");
        let now = Instant::now();
        cache.insert_at(key.clone(), "t1".into(), keep_for(300), now);
        assert_eq!(
            cache
                .get_at(&same, now + Duration::from_secs(200))
                .as_deref(),
            Some("t1")
        );
        assert_eq!(cache.get_at(&same, now + Duration::from_secs(280)), None);
        assert_eq!(
            cache.get_at(&same, now),
            None,
            "an expired token is dropped"
        );
        cache.insert_at(key.clone(), "t2".into(), keep_for(60), now);
        cache.forget(&key);
        assert_eq!(cache.get_at(&key, now), None);
    }

    #[test]
    fn lifetimes_less_a_margin() {
        assert_eq!(keep_for(60), Duration::from_secs(54));
        assert_eq!(keep_for(3600), Duration::from_secs(3570));
        assert_eq!(keep_for(0), Duration::from_secs(1));
        assert_eq!(keep_for(5), Duration::from_secs(4));
        assert_eq!(keep_for(u64::MAX), Duration::from_secs(u64::MAX - 30));
    }

    #[test]
    fn lifetimes_past_the_clock_are_not_kept() {
        let cache = TokenCache::default();
        let key = TokenKey::new("r.io", "https://a/t", "r", "repository:a:pull");
        cache.insert(key.clone(), "t".into(), Duration::MAX);
        assert_eq!(cache.get(&key), None, "no overflow, nothing kept");
    }

    #[test]
    fn bounded_in_bytes_and_field_lengths() {
        let cache = TokenCache::default();
        let now = Instant::now();
        let long_realm = format!("https://a/{}", "r".repeat(MAX_FIELD_BYTES));
        let key = TokenKey::new("r.io", &long_realm, "r", "repository:a:pull");
        cache.insert_at(key.clone(), "t".into(), keep_for(60), now);
        assert_eq!(
            cache.get_at(&key, now),
            None,
            "an over-long realm is not kept"
        );
        assert_eq!(cache.predicted_key("r.io", "a"), None);
        let token = "t".repeat(16 * 1024);
        for n in 0..2000 {
            let key = TokenKey::new("r.io", "https://a/t", "r", &format!("repository:{n}:pull"));
            cache.insert_at(key, token.clone(), keep_for(60), now);
        }
        let tokens = cache.tokens.lock().expect("the lock");
        assert!(tokens.bytes <= MAX_BYTES, "{} bytes kept", tokens.bytes);
        assert!(!tokens.entries.is_empty());
        let counted: usize = tokens
            .entries
            .iter()
            .map(|(key, (token, _))| key.bytes() + token.len())
            .sum();
        assert_eq!(counted, tokens.bytes);
    }

    #[test]
    fn predicts_the_pull_scope_after_a_challenge() {
        let cache = TokenCache::default();
        assert_eq!(cache.predicted_key("r.io", "team/app"), None);
        let key = TokenKey::new(
            "r.io",
            "https://auth.r.io/token",
            "r",
            "repository:team/app:pull",
        );
        cache.insert(key.clone(), "t".into(), keep_for(60));
        assert_eq!(cache.predicted_key("r.io", "team/app"), Some(key));
        let other = cache
            .predicted_key("r.io", "team/other")
            .expect("same realm");
        assert_eq!(other.scopes, ["repository:team/other:pull"]);
        assert_eq!(cache.get(&other), None);
    }
}
