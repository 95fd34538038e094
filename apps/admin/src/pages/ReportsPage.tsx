import { Anchor, Badge, Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { ReportStatus, ReportView } from '@contracts/admin';
import { api } from '../api/endpoints';
import { ActionModal } from '../components/ActionModal';
import { formatDateTime } from '../components/format';
import { PageHeader } from '../components/Layout';
import { PagedTable } from '../components/PagedTable';
import { usePagedQuery } from '../components/usePagedQuery';
import { HashText } from './FilesPage';

const STATUS_COLORS: Record<ReportStatus, string> = { open: 'orange', resolved: 'green', dismissed: 'gray' };
type Filter = ReportStatus | 'all';

function ReportTarget({ report }: { report: ReportView }) {
  if (report.target.kind === 'user') {
    return (
      <Stack gap={0}>
        <Text size="xs" c="dimmed">
          User
        </Text>
        <Anchor component={Link} to={`/users?q=${encodeURIComponent(report.target.username)}`} size="sm" fw={500}>
          {report.target.username}
        </Anchor>
      </Stack>
    );
  }
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        File
      </Text>
      {report.target.name !== null ? (
        <Anchor component={Link} to={`/files?q=${encodeURIComponent(report.target.name)}`} size="sm" fw={500} style={{ wordBreak: 'break-all' }}>
          {report.target.name}
        </Anchor>
      ) : (
        <Text size="sm" c="dimmed" fs="italic">
          not in the index now
        </Text>
      )}
      <HashText sha256={report.target.sha256} />
    </Stack>
  );
}

export function ReportsPage() {
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState<Filter>('open');
  const status = filter === 'all' ? undefined : filter;
  const pager = usePagedQuery(['reports', filter], (cursor) => api.reports({ status, cursor, limit: 25 }));
  const [deciding, setDeciding] = useState<{ report: ReportView; verdict: 'resolve' | 'dismiss' } | undefined>();

  return (
    <Stack gap={0}>
      <PageHeader title="Reports" description="What users reported. Resolve a report once you acted on it; dismiss it when there is nothing to do.">
        <SegmentedControl
          value={filter}
          onChange={(value) => setFilter(value as Filter)}
          data={[
            { value: 'open', label: 'Open' },
            { value: 'resolved', label: 'Resolved' },
            { value: 'dismissed', label: 'Dismissed' },
            { value: 'all', label: 'All' },
          ]}
        />
      </PageHeader>
      <PagedTable
        pager={pager}
        what="Reports"
        empty={filter === 'open' ? 'No open reports. All clear.' : 'No reports here.'}
        head={
          <Table.Tr>
            <Table.Th>Reported</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>Reason</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th ta="right">Actions</Table.Th>
          </Table.Tr>
        }
        rows={pager.items.map((report) => (
          <Table.Tr key={report.id}>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>
              <Text size="sm">{formatDateTime(report.createdAt)}</Text>
              <Text size="xs" c="dimmed">
                by {report.reporter.username}
              </Text>
            </Table.Td>
            <Table.Td maw={300}>
              <ReportTarget report={report} />
            </Table.Td>
            <Table.Td maw={360}>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                {report.reason}
              </Text>
            </Table.Td>
            <Table.Td>
              <Badge variant="light" color={STATUS_COLORS[report.status]}>
                {report.status}
              </Badge>
              {report.decidedBy && (
                <Text size="xs" c="dimmed" mt={2}>
                  by {report.decidedBy.username}, {formatDateTime(report.decidedAt)}
                </Text>
              )}
              {report.note && (
                <Text size="xs" mt={2} style={{ wordBreak: 'break-word' }}>
                  “{report.note}”
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              {report.status === 'open' && (
                <Group gap="xs" justify="flex-end" wrap="nowrap">
                  <Button size="xs" color="green" variant="light" onClick={() => setDeciding({ report, verdict: 'resolve' })}>
                    Resolve
                  </Button>
                  <Button size="xs" variant="default" onClick={() => setDeciding({ report, verdict: 'dismiss' })}>
                    Dismiss
                  </Button>
                </Group>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      />
      <ActionModal
        opened={deciding !== undefined}
        onClose={() => setDeciding(undefined)}
        title={deciding?.verdict === 'resolve' ? 'Resolve report' : 'Dismiss report'}
        description={
          deciding?.verdict === 'resolve'
            ? 'Marks the report as acted on. Ban, remove or block from their own pages; this only closes the report.'
            : 'Closes the report without action.'
        }
        confirmLabel={deciding?.verdict === 'resolve' ? 'Resolve' : 'Dismiss'}
        color={deciding?.verdict === 'resolve' ? 'green' : 'gray'}
        text={{ label: 'Note (optional)', placeholder: 'What you did, or why not', maxLength: 1000 }}
        onConfirm={async (note) => {
          const { report, verdict } = deciding!;
          await (verdict === 'resolve' ? api.resolveReport(report.id, note) : api.dismissReport(report.id, note));
          notifications.show({ color: 'green', message: verdict === 'resolve' ? 'Report resolved.' : 'Report dismissed.' });
          void queryClient.invalidateQueries({ queryKey: ['reports'] });
          void queryClient.invalidateQueries({ queryKey: ['audit'] });
        }}
      />
    </Stack>
  );
}
