//! Optional password protection of a whole archive with age: scrypt as the key-derivation
//! function and ChaCha20-Poly1305 in age's STREAM construction, so every chunk is authenticated
//! and a wrong password or a changed byte is detected.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use age::secrecy::SecretString;

use crate::error::{io_at, BackupError, Result};
use crate::progress::{report, BackupPhase, CancelToken, ProgressFn};

const CHUNK: usize = 1024 * 1024;

/// Encrypts `plain` into `out` (open at `out_path`, empty) and fsyncs it.
pub(crate) fn encrypt(
    plain: &Path,
    out: &File,
    out_path: &Path,
    password: &str,
    progress: &ProgressFn,
    cancel: &CancelToken,
) -> Result<()> {
    if password.is_empty() {
        return Err(BackupError::validation("password", "an empty password protects nothing"));
    }
    let recipient = age::scrypt::Recipient::new(SecretString::from(password.to_string()));
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .map_err(|e| BackupError::Io(format!("cannot set up encryption: {e}")))?;
    let mut input = File::open(plain).map_err(io_at(plain))?;
    let total = input.metadata().map_err(io_at(plain))?.len();
    let mut writer = encryptor.wrap_output(BufWriter::with_capacity(CHUNK, out)).map_err(io_at(out_path))?;
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0u64;
    loop {
        cancel.check()?;
        let n = input.read(&mut buf).map_err(io_at(plain))?;
        if n == 0 {
            break;
        }
        writer.write_all(&buf[..n]).map_err(io_at(out_path))?;
        done += n as u64;
        report(progress, BackupPhase::Encrypt, done, total);
    }
    let buffered = writer.finish().map_err(io_at(out_path))?;
    buffered.into_inner().map_err(|e| BackupError::Io(format!("{}: {e}", out_path.display())))?;
    out.sync_all().map_err(io_at(out_path))?;
    Ok(())
}

/// Decrypts `encrypted` into the new file `plain`. A wrong password is `WrongPassword`; a damaged
/// file is `Damaged`.
pub(crate) fn decrypt(encrypted: &Path, plain: &Path, password: &str, cancel: &CancelToken) -> Result<()> {
    let shown = encrypted.display().to_string();
    let input = BufReader::with_capacity(CHUNK, File::open(encrypted).map_err(io_at(encrypted))?);
    let decryptor =
        age::Decryptor::new(input).map_err(|e| BackupError::damaged(&shown, format!("not an age file: {e}")))?;
    if !decryptor.is_scrypt() {
        return Err(BackupError::damaged(&shown, "it is not encrypted with a password"));
    }
    let identity = age::scrypt::Identity::new(SecretString::from(password.to_string()));
    let mut reader = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::DecryptionFailed
        | age::DecryptError::NoMatchingKeys
        | age::DecryptError::KeyDecryptionFailed => BackupError::WrongPassword,
        other => BackupError::damaged(&shown, format!("cannot be decrypted: {other}")),
    })?;
    let mut out = BufWriter::with_capacity(CHUNK, File::create(plain).map_err(io_at(plain))?);
    let mut buf = vec![0u8; CHUNK];
    loop {
        cancel.check()?;
        let n = reader
            .read(&mut buf)
            .map_err(|e| BackupError::damaged(&shown, format!("the encrypted data is damaged: {e}")))?;
        if n == 0 {
            break;
        }
        out.write_all(&buf[..n]).map_err(io_at(plain))?;
    }
    out.flush().map_err(io_at(plain))?;
    Ok(())
}
