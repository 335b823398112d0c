/** Small glyphs for node kinds and action icons (manifest icon names, or an SVG data URI). */

const GLYPHS: Record<string, string> = {
  zap: '⚡',
  clock: '◷',
  calendar: '▤',
  hourglass: '⧖',
  split: '◇',
  list: '☰',
  shuffle: '⇄',
  flag: '⚑',
  corner: '↪',
  stop: '■',
  'message-square': '✎',
  'message-circle': '☏',
  mail: '✉',
  webhook: '⚭',
  globe: '◍',
  sparkles: '✦',
  smile: '☺',
  user: '☻',
  tag: '⌗',
  task: '✔',
};

export function Icon({ name, className }: { name: string; className?: string }) {
  if (name.startsWith('data:image/')) return <img src={name} alt="" className={`icon ${className ?? ''}`} width={18} height={18} />;
  return (
    <span className={`icon ${className ?? ''}`} aria-hidden="true">
      {GLYPHS[name] ?? name.charAt(0).toUpperCase()}
    </span>
  );
}
