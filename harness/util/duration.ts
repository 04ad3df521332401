// Durations for people: 0.2 → "< 1 s", 42 → "42 s", 190 → "3 min 10 s", 7260 → "2 h 1 min".

export function formatDuration(seconds: number): string {
  if (seconds < 0.5) return "< 1 s";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ""}`;
}
