/**
 * A described thing (a location, a SKU's policy at a location) whose whole profile is replaced by
 * each description: the first one registers it, a different one records what changed, an identical
 * one records nothing (so PUT is idempotent).
 */
export function decideProfile<Profile extends object, Registered, Changed>(
  current: Profile | null,
  described: Profile,
  registered: () => Registered,
  changed: (fields: Array<keyof Profile>) => Changed,
): Array<Registered | Changed> {
  if (current === null) return [registered()];
  const fields = (Object.keys(described) as Array<keyof Profile>).filter((field) => described[field] !== current[field]);
  return fields.length === 0 ? [] : [changed(fields)];
}
