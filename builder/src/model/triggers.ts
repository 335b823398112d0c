/** CRM events and the `trigger.*` fields each provides (host/src/graph/triggers.rs). */

/** Fields every trigger payload carries. */
export const COMMON_TRIGGER_FIELDS = ['event', 'occurred_at'];

const BOOKING = [
  'booking_id',
  'class_id',
  'class_name',
  'class_start',
  'class_end',
  'location',
  'instructor',
  'booking_source',
];

/** One event: its name, a label for people, and its payload fields (`null`: free-form). */
export interface TriggerEventInfo {
  event: string;
  label: string;
  fields: string[] | null;
  /** Extra config fields the trigger node needs. */
  needs?: 'tag' | 'days_before' | 'form_id' | 'cron';
}

/** Every event, in the host's order. */
export const TRIGGER_EVENTS: TriggerEventInfo[] = [
  { event: 'lead_created', label: 'Lead created', fields: ['source', 'campaign', 'utm_source', 'utm_medium', 'utm_campaign', 'notes'] },
  { event: 'contact_updated', label: 'Contact updated', fields: ['changed_fields', 'previous'] },
  { event: 'tag_added', label: 'Tag added', fields: ['tag'], needs: 'tag' },
  { event: 'booking_created', label: 'Booking created', fields: BOOKING },
  {
    event: 'booking_cancelled',
    label: 'Booking cancelled',
    fields: ['booking_id', 'class_id', 'class_name', 'class_start', 'location', 'instructor', 'cancelled_by', 'late_cancellation', 'reason'],
  },
  { event: 'class_no_show', label: 'Class no-show', fields: ['booking_id', 'class_id', 'class_name', 'class_start', 'location', 'instructor'] },
  {
    event: 'membership_expiring',
    label: 'Membership expiring',
    fields: ['membership_id', 'plan_name', 'expires_at', 'days_before', 'auto_renew'],
    needs: 'days_before',
  },
  { event: 'membership_cancelled', label: 'Membership cancelled', fields: ['membership_id', 'plan_name', 'cancelled_at', 'ends_at', 'reason'] },
  { event: 'membership_renewed', label: 'Membership renewed', fields: ['membership_id', 'plan_name', 'renewed_at', 'expires_at'] },
  {
    event: 'class_attended',
    label: 'Class attended',
    fields: ['booking_id', 'class_id', 'class_name', 'class_start', 'location', 'instructor', 'attended_count'],
  },
  { event: 'contact_replied', label: 'Contact replied', fields: ['channel', 'message', 'message_id', 'received_at'] },
  { event: 'birthday', label: 'Birthday', fields: ['birthday', 'age'] },
  { event: 'form_submitted', label: 'Form submitted', fields: null, needs: 'form_id' },
  { event: 'inbound_webhook', label: 'Inbound webhook', fields: null },
  { event: 'schedule', label: 'Schedule', fields: ['scheduled_at'], needs: 'cron' },
  { event: 'manual', label: 'Started by hand', fields: ['triggered_by', 'note'] },
];

/** The event named `event`, if the host knows it. */
export function triggerEvent(event: string): TriggerEventInfo | undefined {
  return TRIGGER_EVENTS.find((e) => e.event === event);
}

/** A readable label for an event name. */
export function eventLabel(event: string): string {
  return triggerEvent(event)?.label ?? event.replace(/_/g, ' ');
}
