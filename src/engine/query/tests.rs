//! Reading request URLs as Balrog does.

use super::balrog::*;
use super::*;

fn q(url: &str) -> Query {
    parse_url(url, None)
        .query
        .unwrap_or_else(|| panic!("{url} should match a route"))
}

#[test]
fn routes_need_exact_segment_counts_and_update_xml() {
    assert!(
        parse_url("/update/3/b/1.0/1/p/l/a/a/a/a/update.xml", None)
            .query
            .is_some()
    );
    for bad in [
        "/update/whizzybang",
        "/update/7/b/1.0/1/p/l/a/a/a/a/update.xml",
        "/update/3/b/1.0/1/p/l/a/a/a/update.xml",
        "/update/3/b/1.0/1/p/l/a/a/a/a/UPDATE.xml",
        "/update/3/b/1.0/1/p/l/a/a/a/a/update.xml/",
        "/update/3/b/1.0//p/l/a/a/a/a/update.xml",
        "//update/3/b/1.0/1/p/l/a/a/a/a/update.xml",
    ] {
        assert_eq!(parse_url(bad, None).query, None, "{bad}");
    }
}

#[test]
fn route_fields_land_in_the_query() {
    let r1 = q("/update/1/b/1.0/1/p/l/a/update.xml");
    assert_eq!(r1.os_version.as_deref(), Some(""));
    assert_eq!(r1.distribution, None);
    let r6 = q(
        "/update/6/F/54.0.1/2017/WINNT_x86_64-msvc-x64/en-US/release/Windows_NT 6.1.0.0 (x86)/ISET:SSE3,MEM:4096,JAWS:0/default/default/update.xml",
    );
    assert_eq!(r6.os_version.as_deref(), Some("Windows_NT 6.1.0.0 (x86)"));
    assert_eq!(r6.instruction_set(), Some("SSE3"));
    assert_eq!(r6.memory(), Some(4096));
    assert_eq!(r6.jaws(), Some(false));
    assert_eq!(r6.dist_version.as_deref(), Some("default"));
    assert_eq!(r6.header_architecture, Some("Intel"));
    let esr = q("/update/3/b/1.0esrpre/1/p/l/a/a/a/a/update.xml");
    assert_eq!(esr.version, "1.0");
    let j = q("/json/1/FirefoxVPN/0.4/WINNT_x86_64/release/update.json");
    assert!(j.json);
    assert_eq!(j.build_id, None);
    assert_eq!(j.os_version, None);
}

#[test]
fn percent_escapes_decode_once() {
    let r = q("/update/6/f/1.0/1/p/l/b/a/ISET%3aSSE3%2cMEM%3a9000/a/a/update.xml");
    assert_eq!(r.memory(), Some(9000));
    let double = q("/update/6/F/1.0/1/p/l/c/Windows_NT%252010.0/ISET:SSE2/a/a/update.xml");
    assert_eq!(double.os_version.as_deref(), Some("Windows_NT%2010.0"));
    assert_eq!(
        parse_url("/update/3/b/1.0/1/p%2Fx/l/a/a/a/a/update.xml", None).query,
        None
    );
}

#[test]
fn non_ascii_becomes_question_marks_and_x86_prefix_goes() {
    let r = q("/update/4/ÃÃ/1.0/1/p/x86 l/a/a/a/a/1/update.xml");
    assert_eq!(r.product, "??");
    assert_eq!(r.locale.as_deref(), Some("l"));
}

#[test]
fn force_values_and_avast_repairs() {
    let force = |s: &str| q(&format!("/update/4/b/1.0/1/p/l/a/a/a/a/1/update.xml{s}")).force;
    assert_eq!(force("?force=1"), Some(Force::Main));
    assert_eq!(force("?force=-1"), Some(Force::Fallback));
    assert_eq!(force("?force=1%3Favast=1"), Some(Force::Main));
    assert_eq!(force("?force=1?avast=1"), Some(Force::Main));
    assert_eq!(force("?force=-1?avast=1"), Some(Force::Fallback));
    assert_eq!(force("?force=1?avast"), Some(Force::Main));
    assert_eq!(force("?force=avast"), None);
    assert_eq!(
        force("?force=1&force=-1"),
        Some(Force::Fallback),
        "last value wins"
    );
    assert_eq!(force("?force=0"), None);
    assert_eq!(force("?force="), None);
    assert_eq!(force("?force=1\" name=\"Firefox"), None);
    assert_eq!(force(""), None);
}

// See: issue 10, should-fix: 100,000 query parameters took 10 s (each
// was looked for among those seen before).
#[test]
fn undeclared_parameters_are_each_named_once_in_the_order_sent() {
    let mut url = String::from("/update/6/b/1.0/2/p/de/release/o/c/default/default/update.xml?");
    for i in 0..100_000 {
        url.push('p');
        url.push_str(&(i % 50_000).to_string());
        url.push_str("=1&");
    }
    url.push_str("force=1");
    let why = parse_url(&url, None).balrog_rejects.unwrap();
    assert!(
        why.starts_with("Extra query parameter(s) p0, p1, p2, "),
        "{}",
        &why[..60]
    );
    assert!(why.ends_with(", p49999 not in spec"));
    assert_eq!(why.matches(", ").count(), 49_999);
}

#[test]
fn mig64_is_tri_state_and_pin_is_kept() {
    let r = |s: &str| q(&format!("/update/3/b/1.0/1/p/l/a/a/a/a/update.xml{s}"));
    assert_eq!(r("").mig64, None);
    assert_eq!(r("?mig64=1").mig64, Some(true));
    assert_eq!(r("?mig64=true").mig64, Some(false));
    assert_eq!(r("?pin=102.").pin.as_deref(), Some("102."));
    assert!(
        parse_url("/update/3/b/1.0/1/p/l/a/a/a/a/update.xml?pin=", None)
            .balrog_rejects
            .is_some()
    );
    let two = parse_url("/update/2/b/1.0/1/p/l/a/a/update.xml?pin=102.", None);
    assert!(two.balrog_rejects.unwrap().contains("pin"));
    assert_eq!(two.query.unwrap().pin, None);
    let extra = parse_url("/update/3/b/1.0/1/p/l/a/a/a/a/update.xml?foo=1&bar=2", None);
    assert_eq!(
        extra.balrog_rejects.as_deref(),
        Some("Extra query parameter(s) foo, bar not in spec")
    );
}

#[test]
fn system_capabilities_in_both_forms() {
    let caps = |s: &str| system_capabilities(s);
    assert_eq!(
        caps("SSE3"),
        SystemCapabilities {
            instruction_set: Some("SSE3".into()),
            memory: None,
            jaws: None
        }
    );
    assert_eq!(caps("SSE3,8095").memory, Some(8095));
    assert_eq!(
        caps("ISET:SSE2,MEM:6321,JAWS:1"),
        SystemCapabilities {
            instruction_set: Some("SSE2".into()),
            memory: Some(6321),
            jaws: Some(true)
        }
    );
    assert_eq!(caps("NA").instruction_set.as_deref(), Some("NA"));
    assert_eq!(caps("ISET:SSE2,MEM:8.1023").memory, None);
    assert_eq!(
        caps("ISET:SSE4_2,MEM:32768,(select*...)"),
        SystemCapabilities {
            instruction_set: Some("SSE4_2".into()),
            memory: Some(32768),
            jaws: None
        }
    );
    assert_eq!(caps("a,b,c"), SystemCapabilities::default());
    assert_eq!(caps("ISET:,MEM: 12_000 ").memory, Some(12000));
    assert_eq!(
        caps("JAWS:1").instruction_set.as_deref(),
        Some("JAWS:1"),
        "old style: one part"
    );
}

#[test]
fn user_agent_sets_ppc_only_for_darwin() {
    let url = "/update/3/b/1.0/1/Darwin_ppc-gcc3/l/a/a/a/a/update.xml";
    assert_eq!(
        parse_url(url, Some("Mozilla/5.0 (Macintosh; PPC Mac OS X)"))
            .query
            .unwrap()
            .header_architecture,
        Some("PPC")
    );
    assert_eq!(
        parse_url(url, None).query.unwrap().header_architecture,
        Some("Intel")
    );
    let linux = "/update/3/b/1.0/1/Linux/l/a/a/a/a/update.xml";
    assert_eq!(
        parse_url(linux, Some("PPC"))
            .query
            .unwrap()
            .header_architecture,
        Some("Intel")
    );
}

#[test]
fn query_version_comes_from_the_last_update_path_in_the_whole_url() {
    assert_eq!(
        query_version("/update/3/b/1.0/1/p/l/a/a/a/a/update.xml"),
        Some(3)
    );
    assert_eq!(
        query_version("/update/3/b/x/update.xml?x=/update/1/y.xml"),
        Some(1)
    );
    let r = q("/update/3/b/1.0/1/p/l/a/os/a/a/update.xml?force=/update/1/a.xml");
    assert_eq!(r.os_version.as_deref(), Some(""));
}

#[test]
fn fallback_channel_is_the_part_before_the_first_cck() {
    assert_eq!(fallback_channel("release"), "release");
    assert_eq!(fallback_channel("release-cck-acme"), "release");
    assert_eq!(fallback_channel("release-cck-a-cck-b"), "release");
    assert_eq!(fallback_channel("-cck-acme"), "");
    assert_eq!(fallback_channel("release-cck"), "release-cck");
    assert_eq!(fallback_channel("beta-cc"), "beta-cc");
    assert_eq!(fallback_channel(""), "");
}
