//! Bearer tokens kept per registry and scope set until they expire, and the last challenge of each
//! registry, so a repeated request can carry its token from the first try.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Tokens kept at most; past that, expired ones go first, then all.
const MAX_TOKENS: usize = 4096;

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
}

#[derive(Debug, Clone)]
struct Realm {
    realm: String,
    service: String,
}

/// The tokens. Its `Debug` shows counts, never tokens.
#[derive(Default)]
pub struct TokenCache {
    tokens: Mutex<HashMap<TokenKey, (String, Instant)>>,
    realms: Mutex<HashMap<String, Realm>>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tokens = self.tokens.lock().map(|t| t.len()).unwrap_or(0);
        f.debug_struct("TokenCache")
            .field("tokens", &tokens)
            .finish()
    }
}

/// How long a token is kept: its lifetime less a margin for clock and network, at least one second.
pub fn keep_for(expires_in: Option<u64>) -> Duration {
    let lifetime = expires_in.unwrap_or(60);
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
        match tokens.get(key) {
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
            if tokens.len() >= MAX_TOKENS {
                tokens.retain(|_, (_, until)| *until > now);
            }
            if tokens.len() >= MAX_TOKENS {
                tokens.clear();
            }
            tokens.insert(key, (token, now + keep));
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
        cache.insert_at(key.clone(), "t1".into(), keep_for(Some(300)), now);
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
        cache.insert_at(key.clone(), "t2".into(), keep_for(None), now);
        cache.forget(&key);
        assert_eq!(cache.get_at(&key, now), None);
    }

    #[test]
    fn lifetimes_default_to_sixty_seconds_less_a_margin() {
        assert_eq!(keep_for(None), Duration::from_secs(54));
        assert_eq!(keep_for(Some(3600)), Duration::from_secs(3570));
        assert_eq!(keep_for(Some(0)), Duration::from_secs(1));
        assert_eq!(keep_for(Some(5)), Duration::from_secs(4));
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
        cache.insert(key.clone(), "t".into(), keep_for(None));
        assert_eq!(cache.predicted_key("r.io", "team/app"), Some(key));
        let other = cache
            .predicted_key("r.io", "team/other")
            .expect("same realm");
        assert_eq!(other.scopes, ["repository:team/other:pull"]);
        assert_eq!(cache.get(&other), None);
    }
}
