//! Micro-benchmark: SigV4-signing one ListSecrets request, exactly as the proxy does per call
//! (`signing::sign_request` with static credentials; the async `Signer::sign_post` adds only a
//! cached-credentials lookup). Goal (issue 5): <= 20 µs. Run: `cargo bench -p undelete-proxy`.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use criterion::{Criterion, criterion_group, criterion_main};
use undelete_proxy::signing::{SERVICE, Signer, sign_request};

const URL: &str = "https://secretsmanager.us-east-1.amazonaws.com/";
const BODY: &[u8] = br#"{"IncludePlannedDeletion":true,"MaxResults":100,"NextToken":"AAIAAIjfnKJ3bXjC7M3iXoKqxl4ycBmf0TDc1u8SxhMCIPqWbNIFRhYZ6iRVAUrkm5M0kyACOyRyDIyAv9lzw1hStw"}"#;
const HEADERS: &[(&str, &str)] = &[
    ("content-type", "application/x-amz-json-1.1"),
    ("x-amz-target", "secretsmanager.ListSecrets"),
];

fn credentials(session_token: Option<&str>) -> Credentials {
    Credentials::new(
        "AKIDEXAMPLEBENCH0000",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        session_token.map(str::to_string),
        None,
        "bench",
    )
}

fn bench_signing(c: &mut Criterion) {
    let static_creds = credentials(None);
    let session_creds = credentials(Some(&"FwoGZXIvYXdzEBYaDH".repeat(40)));
    let now = SystemTime::now();

    for (case, creds) in [
        ("static keys", &static_creds),
        ("session token", &session_creds),
    ] {
        c.bench_function(&format!("sign_request ListSecrets ({case})"), |b| {
            b.iter(|| {
                sign_request(
                    black_box(creds),
                    "us-east-1",
                    SERVICE,
                    "POST",
                    black_box(URL),
                    black_box(HEADERS),
                    black_box(BODY),
                    now,
                )
                .unwrap()
            })
        });
    }

    // The proxy's per-request path: cached credentials + signing.
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let signer = Signer::with_static_credentials(static_creds.clone());
    c.bench_function("Signer::sign_post ListSecrets (cached credentials)", |b| {
        b.iter(|| {
            rt.block_on(signer.sign_post(
                black_box("us-east-1"),
                black_box(URL),
                black_box(HEADERS),
                black_box(BODY),
            ))
            .unwrap()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench_signing
}
criterion_main!(benches);
