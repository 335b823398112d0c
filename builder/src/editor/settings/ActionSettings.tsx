/** An action's settings: a form generated from its input JSON Schema, with the server's problems on each field. */
import { useMemo } from 'react';
import Form from '@rjsf/core';
import validator from '@rjsf/validator-ajv8';
import type { RJSFSchema, UiSchema, WidgetProps, RegistryWidgetsType } from '@rjsf/utils';
import { TemplateInput } from '../../components/TemplateInput';
import { actionEntry } from '../../model/kinds';
import { formErrors, formSchema, formUiSchema, inputFromForm } from '../../model/schemaForm';
import { compareVersions } from '../createNode';
import { Field } from './Field';
import type { SettingsProps } from './types';

function TextWidget(props: WidgetProps) {
  const multiline = props.options?.rows !== undefined;
  return (
    <TemplateInput
      id={props.id}
      value={props.value ?? ''}
      multiline={multiline}
      rows={Number(props.options?.rows ?? 3)}
      required={props.required}
      disabled={props.disabled || props.readonly}
      invalid={(props.rawErrors?.length ?? 0) > 0}
      placeholder={props.placeholder}
      onChange={(v) => props.onChange(v === '' ? props.options?.emptyValue : v)}
    />
  );
}

const widgets: RegistryWidgetsType = { TextWidget, TextareaWidget: TextWidget };

export function ActionSettings({ node, catalog, problems, update }: SettingsProps) {
  const entry = actionEntry(node, catalog);
  const versions = catalog.filter((c) => c.id === node.config.plugin).sort((a, b) => compareVersions(b.version, a.version));
  const schema = useMemo(() => (entry ? formSchema(entry.input_schema) : null), [entry]);
  const uiSchema = useMemo(() => (schema ? formUiSchema(schema) : {}), [schema]);
  const extraErrors = useMemo(() => formErrors(problems, node.id), [problems, node.id]);
  const input = (node.config.input ?? {}) as Record<string, unknown>;

  if (!entry || !schema) {
    return <p className="warning">The action {String(node.config.plugin)} is not installed here, so its settings cannot be shown.</p>;
  }
  return (
    <>
      <p className="muted">{entry.description}</p>
      {versions.length > 1 && (
        <Field label="Version">
          {(id) => (
            <select id={id} value={String(node.config.version)} onChange={(e) => update({ ...node.config, version: e.target.value })}>
              {versions.map((v) => (
                <option key={v.version}>{v.version}</option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Form
        key={`${node.id}@${entry.version}`}
        className="action-form"
        schema={schema as RJSFSchema}
        uiSchema={uiSchema as UiSchema}
        formData={input}
        validator={validator}
        widgets={widgets}
        extraErrors={extraErrors as never}
        showErrorList={false}
        noHtml5Validate
        idPrefix={`in-${node.id}`}
        onChange={(e) => update({ ...node.config, input: inputFromForm(e.formData) })}
      />
      {entry.capability_descriptions.length > 0 && (
        <details className="capabilities">
          <summary>What this action may do</summary>
          <ul>
            {entry.capability_descriptions.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}
