//! Tasks for staff, pipelines and the opportunities that move through them.

use serde::{Deserialize, Serialize};

use super::Crm;
use super::error::{CrmError, CrmResult};
use crate::store::crm::{Opportunity, Pipeline, Stage, Task, TaskPriority, new_id};

/// A task to create.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewTask {
    /// The contact it concerns, if any.
    pub contact_id: Option<String>,
    /// Short title.
    pub title: String,
    /// Details.
    pub description: String,
    /// The staff member who should do it.
    pub assignee_id: Option<String>,
    /// Due (ms).
    pub due_at: Option<i64>,
    /// Priority.
    pub priority: TaskPriority,
}

/// An opportunity to create.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewOpportunity {
    /// The contact.
    pub contact_id: String,
    /// The pipeline.
    pub pipeline_id: String,
    /// Its first stage; one of the pipeline's.
    pub stage_id: String,
    /// Title.
    pub title: String,
    /// Value in the currency's minor unit.
    pub value_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
}

impl Crm {
    /// The task [`Crm::create_task`] would store, checked but not saved.
    pub async fn check_task(&self, org: &str, new: NewTask) -> CrmResult<Task> {
        if new.title.trim().is_empty() {
            return Err(CrmError::Invalid("the task has no title".into()));
        }
        if let Some(contact) = &new.contact_id {
            self.contact(org, contact).await?;
        }
        let now = self.now_ms();
        Ok(Task {
            id: new_id(),
            org_id: org.to_string(),
            contact_id: new.contact_id,
            title: new.title.trim().to_string(),
            description: new.description,
            assignee_id: new.assignee_id,
            due_at: new.due_at,
            priority: new.priority,
            status: "open".into(),
            created_at: now,
            updated_at: now,
            completed_at: None,
        })
    }

    /// Creates an open task.
    pub async fn create_task(&self, org: &str, new: NewTask) -> CrmResult<Task> {
        let task = self.check_task(org, new).await?;
        self.store.crm_create_task(&task).await?;
        Ok(task)
    }

    /// One task.
    pub async fn task(&self, org: &str, id: &str) -> CrmResult<Task> {
        self.store
            .crm_task(org, id)
            .await?
            .ok_or_else(|| CrmError::NotFound(format!("task `{id}` does not exist")))
    }

    /// Marks a task done.
    pub async fn complete_task(&self, org: &str, id: &str) -> CrmResult<()> {
        if self
            .store
            .crm_set_task_status(org, id, "done", self.now_ms())
            .await?
        {
            Ok(())
        } else {
            Err(CrmError::NotFound(format!("task `{id}` does not exist")))
        }
    }

    /// Creates a pipeline with stages named `stages`, in that order.
    pub async fn create_pipeline(
        &self,
        org: &str,
        name: &str,
        stages: &[&str],
    ) -> CrmResult<Pipeline> {
        if name.trim().is_empty() || stages.is_empty() {
            return Err(CrmError::Invalid(
                "a pipeline needs a name and at least one stage".into(),
            ));
        }
        let pipeline = Pipeline {
            id: new_id(),
            org_id: org.to_string(),
            name: name.trim().to_string(),
            stages: stages
                .iter()
                .enumerate()
                .map(|(i, stage)| Stage {
                    id: new_id(),
                    name: stage.to_string(),
                    position: i as i64,
                })
                .collect(),
        };
        self.store
            .crm_create_pipeline(&pipeline, self.now_ms())
            .await?;
        Ok(pipeline)
    }

    /// The opportunity [`Crm::create_opportunity`] would store, checked but not saved.
    pub async fn check_opportunity(
        &self,
        org: &str,
        new: NewOpportunity,
    ) -> CrmResult<Opportunity> {
        if new.title.trim().is_empty() {
            return Err(CrmError::Invalid("the opportunity has no title".into()));
        }
        if new.currency.len() != 3 || !new.currency.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(CrmError::Invalid(format!(
                "`{}` is not an ISO 4217 currency code such as GBP",
                new.currency
            )));
        }
        self.contact(org, &new.contact_id).await?;
        let pipeline = self
            .store
            .crm_pipeline(org, &new.pipeline_id)
            .await?
            .ok_or_else(|| {
                CrmError::NotFound(format!("pipeline `{}` does not exist", new.pipeline_id))
            })?;
        if !pipeline.stages.iter().any(|s| s.id == new.stage_id) {
            return Err(CrmError::NotFound(format!(
                "stage `{}` is not a stage of pipeline `{}`",
                new.stage_id, new.pipeline_id
            )));
        }
        let now = self.now_ms();
        Ok(Opportunity {
            id: new_id(),
            org_id: org.to_string(),
            contact_id: new.contact_id,
            pipeline_id: new.pipeline_id,
            stage_id: new.stage_id,
            title: new.title.trim().to_string(),
            value_minor: new.value_minor,
            currency: new.currency,
            status: "open".into(),
            created_at: now,
            updated_at: now,
        })
    }

    /// Creates an open opportunity in a stage of a pipeline.
    pub async fn create_opportunity(
        &self,
        org: &str,
        new: NewOpportunity,
    ) -> CrmResult<Opportunity> {
        let opportunity = self.check_opportunity(org, new).await?;
        self.store.crm_create_opportunity(&opportunity).await?;
        Ok(opportunity)
    }

    /// One opportunity.
    pub async fn opportunity(&self, org: &str, id: &str) -> CrmResult<Opportunity> {
        self.store
            .crm_opportunity(org, id)
            .await?
            .ok_or_else(|| CrmError::NotFound(format!("opportunity `{id}` does not exist")))
    }

    /// Checks that the opportunity exists and `stage` is a stage of its pipeline.
    pub async fn check_move(&self, org: &str, id: &str, stage: &str) -> CrmResult<Opportunity> {
        let opportunity = self.opportunity(org, id).await?;
        let pipeline = self
            .store
            .crm_pipeline(org, &opportunity.pipeline_id)
            .await?;
        if !pipeline.is_some_and(|p| p.stages.iter().any(|s| s.id == stage)) {
            return Err(CrmError::NotFound(format!(
                "stage `{stage}` is not a stage of the opportunity's pipeline"
            )));
        }
        Ok(opportunity)
    }

    /// Moves an opportunity to another stage of its pipeline.
    pub async fn move_opportunity(&self, org: &str, id: &str, stage: &str) -> CrmResult<()> {
        self.check_move(org, id, stage).await?;
        if self
            .store
            .crm_move_opportunity(org, id, stage, self.now_ms())
            .await?
        {
            Ok(())
        } else {
            Err(CrmError::NotFound(format!(
                "opportunity `{id}` does not exist"
            )))
        }
    }
}
