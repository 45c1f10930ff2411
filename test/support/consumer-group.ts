import { AssignerProtocol, type Admin } from 'kafkajs';

/** The group's state and how many partitions each member holds, largest share first. */
export async function groupShares(admin: Admin, groupId: string): Promise<{ state: string; shares: number[] }> {
  const [group] = (await admin.describeGroups([groupId])).groups;
  const shares = group!.members.map((member) => {
    const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    return Object.values(decoded?.assignment ?? {}).flat().length;
  });
  return { state: group!.state, shares: shares.sort((a, b) => b - a) };
}
