//! How the project keeps a secret a person types (a clerk's password, a technician's PIN or card number):
//! argon2id with a random salt, as a PHC string; the terminal and the hub check them the same way.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// The PHC string of `secret` (argon2id, the crate's default cost, a 16-byte salt from the system).
pub fn hash(secret: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `secret` is the one `phc` was made from; a malformed `phc` matches nothing.
pub fn verify(secret: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(secret.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Whether `phc` is a hash `verify` can check (a malformed one fails at once, which timing would tell).
pub fn well_formed(phc: &str) -> bool {
    PasswordHash::new(phc).is_ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_secret_verifies_only_itself() {
        let h = super::hash("246810").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("246810", &h));
        assert!(!super::verify("246811", &h));
        assert!(!super::verify("246810", "not a hash"));
    }
}
