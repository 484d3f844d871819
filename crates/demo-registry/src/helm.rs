//! A Helm chart pushed with `helm push greet-0.1.0.tgz oci://demo.invalid/strata`.

use std::io::Write as _;

use crate::error::Result;
use flate2::{Compression, GzBuilder};
use serde_json::json;

use super::encoding::{go_object, json_string};
use super::layers::{Entry, tar_bytes};
use super::{Blob, Blobs, CREATED, DEMO_HOST, DESCRIPTION, MULTI_ARCH, OCI_MANIFEST, descriptor};

pub(super) use strata_image::media_type::HELM_CHART_CONTENT;
pub(super) use strata_image::media_type::HELM_CONFIG;

const CHART_NAME: &str = "greet";
const CHART_VERSION: &str = "0.1.0";
const APP_VERSION: &str = "1.0";
const PACKAGED: &str = "2026-01-01T00:20:00Z";
/// Helm writes this (a base64 link) as the gzip header's extra field of every package.
const HELM_GZIP_EXTRA: &[u8] = b"+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=";

/// The chart manifest: Chart.yaml's fields as the config, the `.tgz` as the only layer,
/// and the annotations `helm push` derives from Chart.yaml.
pub(super) fn build_chart(blobs: &mut Blobs) -> Result<Blob> {
    let config = blobs.put(chart_config().into_bytes());
    let package = blobs.put(chart_package()?);
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": descriptor(HELM_CONFIG, &config),
        "layers": [descriptor(HELM_CHART_CONTENT, &package)],
        "annotations": {
            CREATED: PACKAGED,
            "org.opencontainers.image.description": DESCRIPTION,
            "org.opencontainers.image.title": CHART_NAME,
            "org.opencontainers.image.version": CHART_VERSION,
        },
    }))
}

/// Chart.yaml as JSON, in the field order of Helm's `chart.Metadata` struct.
fn chart_config() -> String {
    go_object(&[
        ("name", json_string(CHART_NAME)),
        ("version", json_string(CHART_VERSION)),
        ("description", json_string(DESCRIPTION)),
        ("apiVersion", json_string("v2")),
        ("appVersion", json_string(APP_VERSION)),
        ("type", json_string("application")),
    ])
}

/// `greet-0.1.0.tgz` as `helm package` writes it: file entries only, under the chart's
/// directory, gzip with Helm's extra field and comment.
fn chart_package() -> Result<Vec<u8>> {
    let tar = tar_bytes(&chart_entries())?;
    let mut encoder = GzBuilder::new()
        .mtime(0)
        .extra(HELM_GZIP_EXTRA)
        .comment("Helm")
        .write(Vec::new(), Compression::default());
    encoder.write_all(&tar)?;
    Ok(encoder.finish()?)
}

/// The chart's files, in the order `helm package` writes them.
fn chart_entries() -> Vec<Entry> {
    let chart_yaml = format!(
        "apiVersion: v2\nname: {CHART_NAME}\ndescription: {DESCRIPTION}\ntype: application\n\
         version: {CHART_VERSION}\nappVersion: \"{APP_VERSION}\"\n"
    );
    let values_yaml = format!(
        "replicaCount: 1\n\nimage:\n  repository: {DEMO_HOST}/{MULTI_ARCH}\n  \
         pullPolicy: IfNotPresent\n  # Defaults to the chart's appVersion.\n  tag: \"\"\n\n\
         greeting: hello\n\nservice:\n  port: 8080\n"
    );
    let deployment_yaml = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-greet
  labels:
    app.kubernetes.io/name: greet
    app.kubernetes.io/instance: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app.kubernetes.io/name: greet
      app.kubernetes.io/instance: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: greet
        app.kubernetes.io/instance: {{ .Release.Name }}
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: greet
          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          env:
            - name: GREETING
              value: {{ .Values.greeting | quote }}
          ports:
            - name: http
              containerPort: {{ .Values.service.port }}
              protocol: TCP
";
    vec![
        Entry::File("greet/Chart.yaml", 0o644, chart_yaml),
        Entry::File("greet/values.yaml", 0o644, values_yaml),
        Entry::File(
            "greet/templates/deployment.yaml",
            0o644,
            deployment_yaml.to_owned(),
        ),
    ]
}
