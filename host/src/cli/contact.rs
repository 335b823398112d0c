//! `atlas contact …`: see and seed the CRM from a terminal. Changes go through
//! the CRM service over an engine, so the events they cause (`lead_created`,
//! `tag_added`) start the org's active workflows at once; a running `atlas
//! serve` or `atlas worker` then runs those executions.

use std::process::ExitCode;

use serde_json::{Value, json};

use super::DatabaseArgs;
use super::workflow::EngineArgs;
use crate::crm::{Channel, Consent, ContactFilter, Crm, NewContact};
use crate::engine::EngineConfig;

/// `atlas contact …`
#[derive(Debug, clap::Subcommand)]
pub enum ContactCommand {
    /// Create a contact (a lead fires `lead_created`).
    Add(Box<AddArgs>),
    /// List contacts, newest first.
    List(ListArgs),
    /// Print a contact with its notes, bookings and memberships.
    Show(ShowArgs),
    /// Tag a contact (a new tag fires `tag_added`).
    Tag(Box<TagArgs>),
}

/// `atlas contact add`
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// First name.
    #[arg(long)]
    pub first_name: String,
    /// Last name.
    #[arg(long, default_value = "")]
    pub last_name: String,
    /// Email address.
    #[arg(long)]
    pub email: Option<String>,
    /// Phone number.
    #[arg(long)]
    pub phone: Option<String>,
    /// Where the lead came from.
    #[arg(long, default_value = "cli")]
    pub source: String,
    /// `lead`, `trial`, `member`, ...
    #[arg(long, default_value = "lead")]
    pub status: String,
    /// Channels the contact consented to (`email`, `sms`, `whatsapp`); repeatable.
    #[arg(long = "consent", value_name = "CHANNEL")]
    pub consent: Vec<Channel>,
    /// Tag; repeatable.
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Birthday, `YYYY-MM-DD`.
    #[arg(long)]
    pub birthday: Option<String>,
    /// IANA time zone.
    #[arg(long)]
    pub time_zone: Option<String>,
    /// Custom fields, a JSON object.
    #[arg(long, default_value = "{}")]
    pub custom_fields: String,
    /// A first note.
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// `atlas contact list`
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only this status.
    #[arg(long)]
    pub status: Option<String>,
    /// Only contacts with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// At most this many.
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The organisation.
    #[arg(long, default_value = super::serve::DEMO_ORG_ID)]
    pub org: String,
}

/// `atlas contact show`
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Contact id.
    pub id: String,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The organisation.
    #[arg(long, default_value = super::serve::DEMO_ORG_ID)]
    pub org: String,
}

/// `atlas contact tag`
#[derive(Debug, clap::Args)]
pub struct TagArgs {
    /// Contact id.
    pub id: String,
    /// The tag.
    pub tag: String,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// Runs one `atlas contact` command.
pub async fn run(command: ContactCommand) -> anyhow::Result<ExitCode> {
    match command {
        ContactCommand::Add(args) => add(*args).await,
        ContactCommand::List(args) => list(args).await,
        ContactCommand::Show(args) => show(args).await,
        ContactCommand::Tag(args) => tag(*args).await,
    }
}

async fn crm_with_engine(args: &EngineArgs) -> anyhow::Result<Crm> {
    let store = args.db.open_store().await?;
    super::org::ensure_for_command(&store, &args.org).await?;
    let parts = super::worker::build_engine(
        store,
        &args.db,
        &args.plugins,
        EngineConfig::default(),
        true,
    )
    .await?;
    Ok(Crm::with_engine(&parts.engine))
}

async fn add(args: AddArgs) -> anyhow::Result<ExitCode> {
    let custom_fields: Value = serde_json::from_str(&args.custom_fields)
        .map_err(|e| anyhow::anyhow!("--custom-fields is not JSON: {e}"))?;
    let crm = crm_with_engine(&args.engine).await?;
    let consent = Consent {
        email: args.consent.contains(&Channel::Email),
        sms: args.consent.contains(&Channel::Sms),
        whatsapp: args.consent.contains(&Channel::Whatsapp),
    };
    let contact = crm
        .create_contact(
            &args.engine.org,
            NewContact {
                first_name: args.first_name,
                last_name: args.last_name,
                email: args.email,
                phone: args.phone,
                source: args.source,
                status: args.status,
                custom_fields,
                consent,
                time_zone: args.time_zone,
                birthday: args.birthday,
                tags: args.tags,
                notes: args.note,
                ..NewContact::default()
            },
            "cli",
        )
        .await?;
    println!("{}", serde_json::to_string_pretty(&contact)?);
    Ok(ExitCode::SUCCESS)
}

async fn list(args: ListArgs) -> anyhow::Result<ExitCode> {
    let crm = Crm::detached(args.db.open_store().await?);
    let contacts = crm
        .contacts(
            &args.org,
            &ContactFilter {
                status: args.status,
                tag: args.tag,
                limit: args.limit,
                offset: 0,
            },
        )
        .await?;
    for c in &contacts {
        println!(
            "{}  {:<24} {:<28} {:<8} {}",
            c.id,
            c.full_name(),
            c.email.as_deref().unwrap_or("-"),
            c.status,
            c.tags.join(",")
        );
    }
    println!("{} contact(s)", contacts.len());
    Ok(ExitCode::SUCCESS)
}

async fn show(args: ShowArgs) -> anyhow::Result<ExitCode> {
    let crm = Crm::detached(args.db.open_store().await?);
    let contact = crm.contact(&args.org, &args.id).await?;
    let store = crm.store();
    let document = json!({
        "contact": contact,
        "notes": crm.notes(&args.org, &args.id).await?,
        "bookings": store.crm_bookings_of(&args.org, &args.id).await?,
        "memberships": store.crm_memberships_of(&args.org, &args.id).await?,
        "opportunities": store.crm_opportunities_of(&args.org, &args.id).await?,
        "tasks": store.crm_tasks(&args.org, None, Some(&args.id), None).await?,
    });
    println!("{}", serde_json::to_string_pretty(&document)?);
    Ok(ExitCode::SUCCESS)
}

async fn tag(args: TagArgs) -> anyhow::Result<ExitCode> {
    let crm = crm_with_engine(&args.engine).await?;
    let added = crm.add_tag(&args.engine.org, &args.id, &args.tag).await?;
    if added {
        println!("tagged {} with `{}`", args.id, args.tag);
    } else {
        println!("{} already had `{}`", args.id, args.tag);
    }
    Ok(ExitCode::SUCCESS)
}
