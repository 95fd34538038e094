import { Anchor, Badge, Button, Group, Select, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { AUDIT_ACTIONS, type AuditAction } from '@contracts/admin';
import { api } from '../api/endpoints';
import { formatDateTime } from '../components/format';
import { PageHeader } from '../components/Layout';
import { PagedTable } from '../components/PagedTable';
import { usePagedQuery } from '../components/usePagedQuery';

const ACTION_COLORS: Record<AuditAction, string> = {
  'user.ban': 'red',
  'user.unban': 'green',
  'user.role': 'blue',
  'session.kick': 'orange',
  'file.remove': 'pink',
  'blocklist.add': 'grape',
  'blocklist.remove': 'gray',
  'report.resolve': 'teal',
  'report.dismiss': 'gray',
};

export function AuditActionBadge({ action }: { action: AuditAction }) {
  return (
    <Badge variant="light" color={ACTION_COLORS[action] ?? 'gray'} tt="none" style={{ flexShrink: 0 }} styles={{ label: { overflow: 'visible' } }}>
      {action}
    </Badge>
  );
}

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;

/** Details carry instants in ISO form (unambiguous in the record); show them in local time. */
function readableDetail(detail: string): string {
  return detail.replace(ISO_INSTANT, (instant) => formatDateTime(instant));
}

export function AuditPage() {
  const [action, setAction] = useState<AuditAction | undefined>();
  const [actor, setActor] = useState<{ id: string; username: string } | undefined>();
  const pager = usePagedQuery(['audit', action, actor?.id], (cursor) => api.audit({ action, actorId: actor?.id, cursor, limit: 50 }));

  return (
    <Stack gap={0}>
      <PageHeader title="Audit log" description="Every moderation action, newest first. Entries can never be changed or deleted.">
        <Group>
          {actor && (
            <Button variant="light" size="xs" onClick={() => setActor(undefined)}>
              Actor: {actor.username} ✕
            </Button>
          )}
          <Select
            placeholder="All actions"
            data={AUDIT_ACTIONS.map((value) => ({ value, label: value }))}
            value={action ?? null}
            onChange={(value) => setAction((value as AuditAction | null) ?? undefined)}
            clearable
            w={200}
            aria-label="Filter by action"
          />
        </Group>
      </PageHeader>
      <PagedTable
        pager={pager}
        what="Audit log"
        empty="No matching entries."
        head={
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>Reason</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        }
        rows={pager.items.map((entry) => (
          <Table.Tr key={entry.id} data-testid="audit-row">
            <Table.Td style={{ whiteSpace: 'nowrap' }}>
              <Text size="sm">{formatDateTime(entry.at)}</Text>
            </Table.Td>
            <Table.Td>
              <Anchor component="button" size="sm" fw={500} onClick={() => setActor(entry.actor)} title="Show only this moderator’s actions">
                {entry.actor.username}
              </Anchor>
            </Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>
              <AuditActionBadge action={entry.action} />
            </Table.Td>
            <Table.Td>
              <Text size="sm" fw={500}>
                {entry.targetLabel ?? '—'}
              </Text>
              <Text size="xs" c="dimmed" ff="monospace" truncate="end" maw={220} title={entry.target}>
                {entry.target}
              </Text>
            </Table.Td>
            <Table.Td maw={320}>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                {entry.reason ?? '—'}
              </Text>
            </Table.Td>
            <Table.Td maw={280}>
              <Text size="sm" c="dimmed" style={{ wordBreak: 'break-word' }}>
                {entry.detail ? readableDetail(entry.detail) : ''}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      />
    </Stack>
  );
}
