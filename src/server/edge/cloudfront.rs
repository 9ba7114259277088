//! Amazon CloudFront: a CloudFront Function (viewer request,
//! `cloudfront-js-2.0`) that rewrites each request's URI to the key of the
//! tree file answering it, for an S3 origin holding the tree as `cinder
//! publish` uploads it, and the distribution it assumes, as a CloudFormation
//! template. The function carries the routing description's tables and the
//! interpreter; the index of the tree's files goes into the code when it
//! fits CloudFront's 10 KB, else into a KeyValueStore whose contents are
//! written for the user to upload. What does not fit either is refused,
//! with what to do instead.

use std::fmt::Write as _;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::routing::{DirPart, RouteRouting, Routing, XML};
use crate::space::pattern::literal;

use super::index::Index;
use super::script::{interpreter, json as js_json, strip, var};
use super::tables::tables;

/// CloudFront's limits (late 2026): a function's code, and a KeyValueStore's
/// values, keys and total size.
pub(crate) const CODE_LIMIT: usize = 10 * 1024;
pub(crate) const KVS_VALUE_LIMIT: usize = 1024;
pub(crate) const KVS_SIZE_LIMIT: usize = 5 * 1024 * 1024;
/// The most KeyValueStore reads cinder lets one request make: the function
/// reads the whole index on every request, one value after another.
pub(crate) const KVS_READS_LIMIT: usize = 16;

/// The handler (`handler(event)`).
const HANDLER_JS: &str = include_str!("cloudfront.js");

/// Where the index of the tree's files goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IndexPlace {
    /// In the code when it fits, else in a KeyValueStore.
    Auto,
    /// In a KeyValueStore even when it would fit in the code.
    KeyValueStore,
}

#[derive(Clone, Debug)]
pub(crate) struct Options<'a> {
    /// The S3 bucket `cinder publish` fills (a parameter's default).
    pub(crate) bucket: &'a str,
    /// Split throttled rules' background checks by their rates.
    pub(crate) split: bool,
    pub(crate) index: IndexPlace,
}

/// How the function fits CloudFront's limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Fit {
    /// The function's code, in bytes.
    pub(crate) code: usize,
    /// Of which the routing tables and the interpreter.
    pub(crate) routing: usize,
    /// The index of the tree's files (JSON), in bytes.
    pub(crate) index: usize,
    /// The KeyValueStore's values read per request (0: the index is in the code).
    pub(crate) kvs_reads: usize,
    /// The KeyValueStore's size (keys and values), in bytes.
    pub(crate) kvs_bytes: usize,
}

impl Fit {
    /// What it is, in a line for people.
    pub(crate) fn summary(&self) -> String {
        let mut s = format!(
            "CloudFront Function: {} of {} bytes of code ({} the routing and its interpreter, ",
            self.code, CODE_LIMIT, self.routing
        );
        if self.kvs_reads == 0 {
            let _ = write!(
                s,
                "{} the index of the tree's files); no KeyValueStore",
                self.index
            );
        } else {
            let _ = write!(
                s,
                "the rest reads the index); the index of the tree's files, {} bytes, in a KeyValueStore of {} of {} bytes, read as {} values per request",
                self.index, self.kvs_bytes, KVS_SIZE_LIMIT, self.kvs_reads
            );
        }
        s
    }
}

/// What `server-config cloudfront` writes.
#[derive(Clone, Debug)]
pub(crate) struct Output {
    /// File names (in the output directory) and contents.
    pub(crate) files: Vec<(&'static str, String)>,
    pub(crate) fit: Fit,
}

/// The function's code file.
pub(crate) const FUNCTION_FILE: &str = "function.js";
/// The CloudFormation template.
pub(crate) const TEMPLATE_FILE: &str = "cloudfront.template.json";
/// The KeyValueStore's contents, in the import format (`{"data": [...]}`).
pub(crate) const KVS_FILE: &str = "key-value-store.json";

/// Why no function fits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NoFit(pub(crate) String);

/// What to do when a site does not fit a CloudFront Function.
pub(crate) const WHAT_THEN: &str = "serve the tree from a Cloudflare Worker (`cinder server-config cloudflare`: a Worker holds megabytes), or put nginx in front of the bucket as CloudFront's origin (`cinder server-config nginx`); fewer osVersion and systemCapabilities conditions, routes and products make the routing smaller, and fewer distinct directory layouts (locales, builds) the index";

/// How a site's tree fits a CloudFront Function, in a line for the build
/// summary: the fit, or that it no longer fits and what then.
pub(crate) fn fit_report(routing: &Routing, index: &Index) -> String {
    let opts = Options {
        bucket: "cinder-tree",
        split: false,
        index: IndexPlace::Auto,
    };
    match generate(routing, index, &opts) {
        Ok(output) => output.fit.summary(),
        Err(NoFit(why)) => format!(
            "note: this site no longer fits a CloudFront Function (`cinder server-config cloudfront`): {why}. What then: {WHAT_THEN}"
        ),
    }
}

/// The function, its template and, when the index goes there, the
/// KeyValueStore's contents.
pub(crate) fn generate(
    routing: &Routing,
    index: &Index,
    opts: &Options<'_>,
) -> Result<Output, NoFit> {
    let tables = js_json(&tables(routing, opts.split));
    let index_json = index.to_json();
    let mut body = var("T", &tables);
    body.push_str(&interpreter());
    body.push_str(&strip(HANDLER_JS));
    let inline = format!(
        "{}function index() {{ return X; }}\n{body}",
        var("X", &index_json)
    );
    let routing_bytes = body.len();
    if opts.index == IndexPlace::Auto && inline.len() <= CODE_LIMIT {
        let fit = Fit {
            code: inline.len(),
            routing: routing_bytes,
            index: index_json.len(),
            kvs_reads: 0,
            kvs_bytes: 0,
        };
        return Ok(Output {
            files: vec![
                (TEMPLATE_FILE, template(routing, &inline, opts, false)),
                (FUNCTION_FILE, inline),
            ],
            fit,
        });
    }
    // The index in the KeyValueStore, under keys naming its digest, so that
    // a function reads the index of the tree it was generated for.
    let digest = Sha256::digest(index_json.as_bytes());
    let prefix = format!("cinder-{}-", &crate::output::manifest::hex(&digest)[..16]);
    let chunks = chunks(&index_json, KVS_VALUE_LIMIT);
    let loader = format!(
        "import cf from 'cloudfront';\nvar K = cf.kvs();\nasync function index() {{\nvar s = '', i;\nfor (i = 0; i < {}; i++) s += await K.get({} + i);\nreturn JSON.parse(s);\n}}\n",
        chunks.len(),
        js_json(&json!(prefix))
    );
    let code = format!("{loader}{body}");
    let data: Vec<Value> = chunks
        .iter()
        .enumerate()
        .map(|(i, c)| json!({"key": format!("{prefix}{i}"), "value": c}))
        .collect();
    let kvs_bytes: usize = chunks
        .iter()
        .enumerate()
        .map(|(i, c)| prefix.len() + i.to_string().len() + c.len())
        .sum();
    let fit = Fit {
        code: code.len(),
        routing: routing_bytes,
        index: index_json.len(),
        kvs_reads: chunks.len(),
        kvs_bytes,
    };
    if code.len() > CODE_LIMIT {
        return Err(NoFit(format!(
            "the routing description and its interpreter take {} bytes, more than a CloudFront Function's {CODE_LIMIT} even with the index of the tree's files in a KeyValueStore",
            code.len()
        )));
    }
    if chunks.len() > KVS_READS_LIMIT || kvs_bytes > KVS_SIZE_LIMIT {
        return Err(NoFit(format!(
            "the index of the tree's files takes {} bytes: {} KeyValueStore reads per request, more than the {KVS_READS_LIMIT} cinder allows (each request reads the whole index)",
            index_json.len(),
            chunks.len()
        )));
    }
    let store = serde_json::to_string_pretty(&json!({ "data": data }))
        .expect("JSON values serialize")
        + "\n";
    Ok(Output {
        files: vec![
            (TEMPLATE_FILE, template(routing, &code, opts, true)),
            (FUNCTION_FILE, code),
            (KVS_FILE, store),
        ],
        fit,
    })
}

/// `text` in pieces of at most `limit` bytes, cut between characters.
fn chunks(text: &str, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if current.len() + c.len_utf8() > limit {
            out.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A pattern (JavaScript, anchored) matching the tree keys of a route's
/// answers, for the Content-Type `cinder publish` gives them.
fn key_pattern(r: &RouteRouting) -> String {
    let mut p = String::from("^");
    for part in &r.dir {
        match part {
            DirPart::Literal(i) => p.push_str(&literal(r.literal(*i))),
            _ => p.push_str("[^/]+"),
        }
        p.push('/');
    }
    let _ = write!(p, "{}(?:\\.[^/]*)?{}$", literal(&r.stem), literal(&r.ext));
    p
}

/// The CloudFormation template: the function, its KeyValueStore when it has
/// one, the cache policy, the origin access control, the distribution and
/// the bucket's policy letting the distribution read it.
fn template(routing: &Routing, code: &str, opts: &Options<'_>, kvs: bool) -> String {
    let empty = format!("/{}", routing.empty_file);
    let mut parameters = json!({
        "BucketName": {
            "Type": "String",
            "Default": opts.bucket,
            "Description": "The S3 bucket holding the tree, as `cinder publish` uploads it (Content-Type and Cache-Control on each object)"
        }
    });
    let mut function_config = json!({
        "Comment": "cinder: routes Firefox's update URLs to the tree's files",
        "Runtime": "cloudfront-js-2.0"
    });
    let mut resources = serde_json::Map::new();
    if kvs {
        parameters["KeyValueStoreSource"] = json!({
            "Type": "String",
            "Description": format!("The S3 ARN of {KVS_FILE} (`arn:aws:s3:::BUCKET/KEY`), uploaded before the stack is created; the store is imported from it")
        });
        resources.insert(
            "TreeIndex".to_owned(),
            json!({
                "Type": "AWS::CloudFront::KeyValueStore",
                "Properties": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-tree-index"},
                    "Comment": "cinder: the index of the tree's files, read by the routing function",
                    "ImportSource": {"SourceType": "S3", "SourceArn": {"Ref": "KeyValueStoreSource"}}
                }
            }),
        );
        function_config["KeyValueStoreAssociations"] =
            json!([{"KeyValueStoreARN": {"Fn::GetAtt": ["TreeIndex", "Arn"]}}]);
    }
    resources.insert(
        "RoutingFunction".to_owned(),
        json!({
            "Type": "AWS::CloudFront::Function",
            "Properties": {
                "Name": {"Fn::Sub": "${AWS::StackName}-routing"},
                "AutoPublish": true,
                "FunctionCode": code,
                "FunctionConfig": function_config
            }
        }),
    );
    resources.insert(
        "CachePolicy".to_owned(),
        json!({
            "Type": "AWS::CloudFront::CachePolicy",
            "Properties": {
                "CachePolicyConfig": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-tree"},
                    "Comment": "The function's rewritten URI names the answer: no query string, header or cookie in the key; the objects' Cache-Control decides how long",
                    "MinTTL": 0,
                    "DefaultTTL": 90,
                    "MaxTTL": 86400,
                    "ParametersInCacheKeyAndForwardedToOrigin": {
                        "EnableAcceptEncodingGzip": true,
                        "EnableAcceptEncodingBrotli": true,
                        "QueryStringsConfig": {"QueryStringBehavior": "none"},
                        "HeadersConfig": {"HeaderBehavior": "none"},
                        "CookiesConfig": {"CookieBehavior": "none"}
                    }
                }
            }
        }),
    );
    resources.insert(
        "OriginAccessControl".to_owned(),
        json!({
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Properties": {
                "OriginAccessControlConfig": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-tree"},
                    "OriginAccessControlOriginType": "s3",
                    "SigningBehavior": "always",
                    "SigningProtocol": "sigv4"
                }
            }
        }),
    );
    resources.insert(
        "Distribution".to_owned(),
        json!({
            "Type": "AWS::CloudFront::Distribution",
            "Properties": {
                "DistributionConfig": {
                    "Enabled": true,
                    "Comment": "cinder: the update tree",
                    "HttpVersion": "http2and3",
                    "Origins": [{
                        "Id": "tree",
                        "DomainName": {"Fn::Sub": "${BucketName}.s3.${AWS::Region}.amazonaws.com"},
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                        "OriginAccessControlId": {"Fn::GetAtt": ["OriginAccessControl", "Id"]}
                    }],
                    "DefaultCacheBehavior": {
                        "TargetOriginId": "tree",
                        "ViewerProtocolPolicy": "redirect-to-https",
                        "AllowedMethods": ["GET", "HEAD"],
                        "CachedMethods": ["GET", "HEAD"],
                        "Compress": true,
                        "CachePolicyId": {"Ref": "CachePolicy"},
                        "FunctionAssociations": [{
                            "EventType": "viewer-request",
                            "FunctionARN": {"Fn::GetAtt": ["RoutingFunction", "FunctionMetadata.FunctionARN"]}
                        }]
                    },
                    "CustomErrorResponses": [{
                        "ErrorCode": 403,
                        "ResponseCode": 200,
                        "ResponsePagePath": empty,
                        "ErrorCachingMinTTL": 90
                    }]
                }
            }
        }),
    );
    resources.insert(
        "BucketPolicy".to_owned(),
        json!({
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "BucketName"},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Sid": "TheDistributionReadsTheTree",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudfront.amazonaws.com"},
                        "Action": "s3:GetObject",
                        "Resource": {"Fn::Sub": "arn:aws:s3:::${BucketName}/*"},
                        "Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": "arn:aws:cloudfront::${AWS::AccountId}:distribution/${Distribution}"}}}
                    }]
                }
            }
        }),
    );
    let content_types: Vec<Value> = routing
        .routes
        .iter()
        .filter(|r| r.content_type != XML)
        .map(|r| json!([key_pattern(r), r.content_type]))
        .collect();
    let t = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "cinder: a CloudFront distribution serving an update tree from S3, each request routed to its file by a CloudFront Function (generated by `cinder server-config cloudfront`; regenerate it after each build)",
        "Metadata": {
            "cinder": {
                "Objects": {
                    "Comment": "What `cinder publish` gives the bucket's objects: Content-Type by key (the first pattern that matches, else Default), and Cache-Control",
                    "Content-Type": content_types,
                    "Default": XML,
                    "Cache-Control": routing.cache_control
                }
            }
        },
        "Parameters": parameters,
        "Resources": resources,
        "Outputs": {
            "DomainName": {"Description": "Where the distribution serves the tree", "Value": {"Fn::GetAtt": ["Distribution", "DomainName"]}},
            "DistributionId": {"Value": {"Ref": "Distribution"}}
        }
    });
    serde_json::to_string_pretty(&t).expect("JSON values serialize") + "\n"
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::plan::{Quiet, plan};
    use crate::space::Space;
    use crate::testing::load_clean;

    /// The demo's routing and the index of its planned tree.
    fn demo() -> (Routing, Index) {
        let loaded = load_clean(Path::new(env!("CARGO_MANIFEST_DIR")));
        let space = Space::new(&loaded.site, &[]);
        let planned = plan(&space, &Quiet);
        let index = Index::new(planned.files.iter().map(|(p, _)| p.as_str()));
        (Routing::new(&space), index)
    }

    fn options(index: IndexPlace) -> Options<'static> {
        Options {
            bucket: "tree",
            split: false,
            index,
        }
    }

    fn file<'o>(output: &'o Output, name: &str) -> &'o str {
        &output.files.iter().find(|(n, _)| *n == name).unwrap().1
    }

    #[test]
    fn the_demo_fits_in_the_code_and_the_template_holds_it() {
        let (routing, index) = demo();
        let out = generate(&routing, &index, &options(IndexPlace::Auto)).unwrap();
        let code = file(&out, FUNCTION_FILE);
        assert_eq!(out.fit.code, code.len());
        assert!(out.fit.code <= CODE_LIMIT, "{}", out.fit.summary());
        assert_eq!(out.fit.kvs_reads, 0);
        assert!(code.contains(&index.to_json()));
        assert!(!out.files.iter().any(|(n, _)| *n == KVS_FILE));
        let template: Value = serde_json::from_str(file(&out, TEMPLATE_FILE)).unwrap();
        let function = &template["Resources"]["RoutingFunction"]["Properties"];
        assert_eq!(function["FunctionCode"], code);
        assert_eq!(function["FunctionConfig"]["Runtime"], "cloudfront-js-2.0");
        let errors = &template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]["CustomErrorResponses"];
        assert_eq!(errors[0]["ResponsePagePath"], "/cinder-empty.xml");
        assert_eq!(errors[0]["ResponseCode"], 200);
        assert!(out.fit.summary().contains("no KeyValueStore"));
        // The same inputs give the same bytes.
        let again = generate(&routing, &index, &options(IndexPlace::Auto)).unwrap();
        assert_eq!(again.files, out.files);
    }

    #[test]
    fn the_index_in_a_key_value_store_is_cut_into_values_under_its_digest() {
        let (routing, index) = demo();
        let out = generate(&routing, &index, &options(IndexPlace::KeyValueStore)).unwrap();
        let store: Value = serde_json::from_str(file(&out, KVS_FILE)).unwrap();
        let data = store["data"].as_array().unwrap();
        assert_eq!(data.len(), out.fit.kvs_reads);
        let mut joined = String::new();
        for (i, item) in data.iter().enumerate() {
            let key = item["key"].as_str().unwrap();
            let value = item["value"].as_str().unwrap();
            assert!(
                key.starts_with("cinder-") && key.ends_with(&format!("-{i}")),
                "{key}"
            );
            assert!(value.len() <= KVS_VALUE_LIMIT);
            joined.push_str(value);
        }
        assert_eq!(joined, index.to_json());
        let code = file(&out, FUNCTION_FILE);
        assert!(code.starts_with("import cf from 'cloudfront';"));
        assert!(!code.contains(&index.to_json()));
        let template: Value = serde_json::from_str(file(&out, TEMPLATE_FILE)).unwrap();
        assert_eq!(
            template["Resources"]["TreeIndex"]["Type"],
            "AWS::CloudFront::KeyValueStore"
        );
        assert!(out.fit.summary().contains("in a KeyValueStore"));
    }

    #[test]
    fn values_are_cut_between_characters() {
        let text = "ab\u{e9}cd\u{1f600}e".repeat(300);
        let pieces = chunks(&text, 7);
        assert!(pieces.iter().all(|p| p.len() <= 7 && !p.is_empty()));
        assert_eq!(pieces.concat(), text);
    }
}
