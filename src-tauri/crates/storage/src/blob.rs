//! Diff text storage. Every diff is gzip-compressed and addressed by the sha256 of its uncompressed
//! bytes, so identical texts are kept once. Up to `INLINE_DIFF_LIMIT` it lives in the database;
//! larger diffs go to a blob store (a local folder, or an S3-compatible bucket), never truncated.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use flate2::{read::GzDecoder, Compress, Compression, Crc, FlushCompress, Status};
use object_store::{aws::AmazonS3Builder, local::LocalFileSystem, path::Path as ObjectPath, ObjectStore, PutPayload};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};

/// Diffs up to this many uncompressed bytes are kept in the database.
pub const INLINE_DIFF_LIMIT: usize = 256 * 1024;

/// Where large diffs go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobConfig {
    /// A folder on this machine (by default `blobs/` in the data folder).
    Local(std::path::PathBuf),
    /// An S3-compatible bucket. Credentials and region come from the standard `AWS_*` variables.
    S3 { endpoint: Option<String>, bucket: String },
}

impl BlobConfig {
    /// `REPOVAULT_S3_BUCKET` (with optional `REPOVAULT_S3_ENDPOINT`) selects a bucket; otherwise the
    /// local folder given.
    pub fn from_env_or_local(local: std::path::PathBuf) -> BlobConfig {
        match std::env::var("REPOVAULT_S3_BUCKET") {
            Ok(bucket) if !bucket.is_empty() => BlobConfig::S3 {
                endpoint: std::env::var("REPOVAULT_S3_ENDPOINT").ok().filter(|e| !e.is_empty()),
                bucket,
            },
            _ => BlobConfig::Local(local),
        }
    }
}

/// A content-addressed store of compressed diff texts.
#[derive(Clone)]
pub struct BlobStore {
    inner: Arc<dyn ObjectStore>,
    description: String,
}

impl std::fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

impl BlobStore {
    pub fn open(config: &BlobConfig) -> Result<BlobStore> {
        match config {
            BlobConfig::Local(dir) => Self::local(dir),
            BlobConfig::S3 { endpoint, bucket } => {
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
                if let Some(endpoint) = endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                if std::env::var("AWS_REGION").is_err() && std::env::var("AWS_DEFAULT_REGION").is_err() {
                    builder = builder.with_region("us-east-1");
                }
                let store = builder.build().map_err(|e| StoreError::Config(format!("S3 blob store: {e}")))?;
                Ok(BlobStore {
                    inner: Arc::new(store),
                    description: format!(
                        "s3://{bucket}{}",
                        endpoint.as_deref().map(|e| format!(" at {e}")).unwrap_or_default()
                    ),
                })
            }
        }
    }

    fn local(dir: &Path) -> Result<BlobStore> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Config(format!("cannot create blob folder {}: {e}", dir.display())))?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| StoreError::Config(format!("blob folder {}: {e}", dir.display())))?;
        Ok(BlobStore { inner: Arc::new(store), description: dir.display().to_string() })
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    fn location(sha256: &str) -> ObjectPath {
        ObjectPath::from(format!("diffs/{}/{}/{sha256}.gz", &sha256[..2], &sha256[2..4]))
    }

    /// Writes compressed bytes under their content hash; a blob already there is left alone.
    pub async fn put(&self, sha256: &str, compressed: Vec<u8>) -> Result<()> {
        let location = Self::location(sha256);
        match self.inner.head(&location).await {
            Ok(_) => return Ok(()),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(other) => return Err(other.into()),
        }
        self.inner.put(&location, PutPayload::from(compressed)).await?;
        Ok(())
    }

    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>> {
        let location = Self::location(sha256);
        let result = self.inner.get(&location).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => {
                StoreError::not_found(format!("diff blob {sha256} in {}", self.description))
            }
            other => other.into(),
        })?;
        Ok(result.bytes().await?.to_vec())
    }
}

/// A diff text made ready for storage: hashed, compressed, and marked inline or external.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedDiff {
    pub sha256: String,
    pub size: i64,
    pub compressed: Vec<u8>,
    pub inline: bool,
}

pub fn prepare_diff(text: &[u8]) -> PreparedDiff {
    DiffCompressor::new().prepare(text)
}

/// Hashes and gzip-compresses diff texts, reusing one deflate state: allocating a fresh one per
/// diff cost more than compressing a typical small diff.
pub struct DiffCompressor {
    deflate: Compress,
}

impl Default for DiffCompressor {
    fn default() -> Self {
        Self::new()
    }
}

impl DiffCompressor {
    pub fn new() -> DiffCompressor {
        DiffCompressor { deflate: Compress::new(Compression::fast(), false) }
    }

    pub fn prepare(&mut self, text: &[u8]) -> PreparedDiff {
        PreparedDiff {
            sha256: hex::encode(Sha256::digest(text)),
            size: text.len() as i64,
            compressed: self.gzip(text),
            inline: text.len() <= INLINE_DIFF_LIMIT,
        }
    }

    /// A complete gzip member (RFC 1952): header, raw deflate stream, CRC-32 and length.
    fn gzip(&mut self, text: &[u8]) -> Vec<u8> {
        const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
        self.deflate.reset();
        let mut out = Vec::with_capacity(text.len() / 3 + 64);
        out.extend_from_slice(&HEADER);
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(1024));
            }
            let consumed = self.deflate.total_in() as usize;
            let status = self
                .deflate
                .compress_vec(&text[consumed..], &mut out, FlushCompress::Finish)
                .expect("deflate into memory cannot fail");
            if status == Status::StreamEnd {
                break;
            }
        }
        let mut crc = Crc::new();
        crc.update(text);
        out.extend_from_slice(&crc.sum().to_le_bytes());
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out
    }
}

/// Decompresses a stored diff and checks it against its content hash, so corruption is reported
/// rather than shown.
pub fn decode_diff(sha256: &str, compressed: &[u8]) -> Result<Vec<u8>> {
    let mut text = Vec::new();
    GzDecoder::new(compressed)
        .read_to_end(&mut text)
        .map_err(|e| StoreError::Query(format!("diff {sha256} cannot be decompressed: {e}")))?;
    let actual = hex::encode(Sha256::digest(&text));
    if actual != sha256 {
        return Err(StoreError::Query(format!("diff {sha256} is corrupt: its content hashes to {actual}")));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_threshold() {
        let small = prepare_diff(b"@@ -1 +1 @@\n-a\n+b\n");
        assert!(small.inline);
        assert_eq!(decode_diff(&small.sha256, &small.compressed).unwrap(), b"@@ -1 +1 @@\n-a\n+b\n");
        let exact = prepare_diff(&vec![b'x'; INLINE_DIFF_LIMIT]);
        assert!(exact.inline);
        let large = prepare_diff(&vec![b'x'; INLINE_DIFF_LIMIT + 1]);
        assert!(!large.inline);
        assert_eq!(decode_diff(&large.sha256, &large.compressed).unwrap().len(), INLINE_DIFF_LIMIT + 1);
    }

    #[test]
    fn a_reused_compressor_writes_standard_gzip() {
        let mut compressor = DiffCompressor::new();
        for text in [&b""[..], b"x", &b"line\n".repeat(100_000), b"after a big one"] {
            let prepared = compressor.prepare(text);
            let mut plain = Vec::new();
            GzDecoder::new(prepared.compressed.as_slice()).read_to_end(&mut plain).unwrap();
            assert_eq!(plain, text);
        }
    }

    #[test]
    fn corruption_is_detected() {
        let diff = prepare_diff(b"some diff text");
        let other = prepare_diff(b"other diff text");
        let err = decode_diff(&diff.sha256, &other.compressed).unwrap_err();
        assert!(err.to_string().contains("corrupt"), "{err}");
    }
}
