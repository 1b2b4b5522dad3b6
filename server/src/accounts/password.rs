//! Password hashing with Argon2id at OWASP's recommended parameters (19 MiB, 2 passes,
//! 1 lane). Hashing runs on the blocking pool so it never stalls request handling.

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// Each hash takes 19 MiB and a core for a while; at most this many run at once, the rest
/// queue. A flood of logins then costs time, not memory.
static PERMITS: Semaphore = Semaphore::const_new(2);

fn hasher() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params"),
    )
}

pub fn hash_blocking(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing cannot fail with valid params")
        .to_string()
}

pub async fn hash(password: String) -> String {
    let _permit = PERMITS.acquire().await.expect("semaphore never closes");
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .expect("hashing task")
}

/// Compute the dummy hash now, so the first unknown-user login is not slower than others.
pub fn warm_up() {
    let _ = dummy_hash();
}

/// Verify against a stored hash. For unknown users pass `None`: a dummy hash is verified
/// instead so that the answer takes as long as for a real account (no user enumeration).
pub async fn verify(password: String, stored: Option<String>) -> bool {
    let _permit = PERMITS.acquire().await.expect("semaphore never closes");
    tokio::task::spawn_blocking(move || {
        let real = stored.is_some();
        let hash = stored.unwrap_or_else(|| dummy_hash().to_string());
        let ok = PasswordHash::new(&hash)
            .map(|h| hasher().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false);
        ok && real
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("linju-no-such-user-placeholder"))
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hashes_verify_and_are_argon2id() {
        let h = super::hash("correct horse battery".into()).await;
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(super::verify("correct horse battery".into(), Some(h.clone())).await);
        assert!(!super::verify("wrong".into(), Some(h)).await);
        assert!(
            !super::verify("linju-no-such-user-placeholder".into(), None).await,
            "dummy never matches"
        );
    }
}
