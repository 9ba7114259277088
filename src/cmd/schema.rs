//! `cinder schema`: write the JSON Schemas of the site's files.

use std::io::Write;

use crate::cli::SchemaArgs;
use crate::cmd::{Context, Status};
use crate::error::Error;
use crate::schema::documents;

pub(crate) fn run(_ctx: Context, args: &SchemaArgs) -> Result<Status, Error> {
    std::fs::create_dir_all(&args.out).map_err(|e| Error::write(&args.out, e))?;
    for doc in documents() {
        let path = args.out.join(doc.file);
        let mut text = serde_json::to_string_pretty(&doc.schema)
            .map_err(|e| Error::Invalid(format!("cannot write a schema: {e}")))?;
        text.push('\n');
        std::fs::write(&path, text).map_err(|e| Error::write(&path, e))?;
        let _ = writeln!(std::io::stderr(), "wrote {}", path.display());
    }
    Ok(Status::Success)
}
