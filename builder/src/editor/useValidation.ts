/** Problems of the document as edited, from the server's validate endpoint (the source of truth). */
import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { FieldError } from '../api/types';
import type { WorkflowDocument } from '../model/document';

/** Quiet time after an edit before validating. */
export const VALIDATE_DELAY_MS = 250;

export function useValidation(api: ApiClient, doc: WorkflowDocument, initial: FieldError[]): { problems: FieldError[]; checking: boolean } {
  const [problems, setProblems] = useState(initial);
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    let cancelled = false;
    setChecking(true);
    const timer = setTimeout(async () => {
      try {
        const report = await api.post<{ valid: boolean; problems: FieldError[] }>('/workflows/validate', doc);
        if (!cancelled) setProblems(report.problems);
      } catch (e) {
        if (!cancelled) setProblems([{ field: 'document', reason: e instanceof Error ? e.message : String(e) }]);
      } finally {
        if (!cancelled) setChecking(false);
      }
    }, VALIDATE_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, doc]);
  return { problems, checking };
}
