import { Anchor, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { AdminStats } from '@contracts/admin';
import { api } from '../api/endpoints';
import { EmptyRow, ErrorState, LoadingState } from '../components/DataState';
import { formatCount, formatDateTime, shortHash } from '../components/format';
import { PageHeader } from '../components/Layout';
import { AuditActionBadge } from './AuditPage';

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={28} fw={700} mt={4}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

function StatsGrid({ stats }: { stats: AdminStats }) {
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <Stat label="Online sessions" value={formatCount(stats.onlineSessions)} />
        <Stat label="Users" value={formatCount(stats.users)} />
        <Stat label="Indexed files" value={formatCount(stats.indexedFiles)} hint={`${formatCount(stats.distinctHashes)} distinct contents`} />
        <Stat label="Open reports" value={formatCount(stats.openReports)} />
        <Stat label="Searches" value={formatCount(stats.searches.lastHour)} hint={`last hour · ${formatCount(stats.searches.lastDay)} last day`} />
        <Stat label="Transfers" value={formatCount(stats.transfers.lastHour)} hint={`last hour · ${formatCount(stats.transfers.lastDay)} last day`} />
        <Stat label="Delisted sources" value={formatCount(stats.blames.delistedSources)} hint={`blamed for corrupt data · ${formatCount(stats.blames.lastDay)} blames last day`} />
      </SimpleGrid>
      <Paper withBorder radius="md" p="md">
        <Title order={5} mb="xs">
          Top queries
        </Title>
        {stats.topQueries.length === 0 ? (
          <EmptyRow>No searches yet.</EmptyRow>
        ) : (
          <Table>
            <Table.Tbody>
              {stats.topQueries.map((query) => (
                <Table.Tr key={query.q}>
                  <Table.Td>{query.q}</Table.Td>
                  <Table.Td ta="right">{formatCount(query.count)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </Stack>
  );
}

function RecentPanel({ title, link, children }: { title: string; link: string; children: React.ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="xs">
        <Title order={5}>{title}</Title>
        <Anchor component={Link} to={link} size="sm">
          View all
        </Anchor>
      </Group>
      {children}
    </Paper>
  );
}

export function DashboardPage() {
  const stats = useQuery({ queryKey: ['stats'], queryFn: api.stats });
  const reports = useQuery({ queryKey: ['reports', 'open', 'dashboard'], queryFn: () => api.reports({ status: 'open', limit: 5 }) });
  const audit = useQuery({ queryKey: ['audit', 'dashboard'], queryFn: () => api.audit({ limit: 6 }) });

  return (
    <Stack>
      <PageHeader title="Dashboard" description="The directory at a glance, and what needs attention." />
      {stats.isPending ? <LoadingState /> : stats.isError ? <ErrorState error={stats.error} what="Statistics" /> : <StatsGrid stats={stats.data} />}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <RecentPanel title="Open reports" link="/reports">
          {reports.isPending ? (
            <LoadingState />
          ) : reports.isError ? (
            <ErrorState error={reports.error} what="Reports" />
          ) : reports.data.items.length === 0 ? (
            <EmptyRow>No open reports. All clear.</EmptyRow>
          ) : (
            <Stack gap="xs">
              {reports.data.items.map((report) => (
                <Group key={report.id} justify="space-between" wrap="nowrap">
                  <Text size="sm" lineClamp={1}>
                    <Text span c="dimmed" size="sm">
                      {report.target.kind === 'file' ? 'File ' : 'User '}
                    </Text>
                    <Text span fw={500} size="sm">
                      {report.target.kind === 'file' ? (report.target.name ?? shortHash(report.target.sha256)) : report.target.username}
                    </Text>
                    {' · '}
                    {report.reason}
                  </Text>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(report.createdAt)}
                  </Text>
                </Group>
              ))}
            </Stack>
          )}
        </RecentPanel>
        <RecentPanel title="Recent moderation" link="/audit">
          {audit.isPending ? (
            <LoadingState />
          ) : audit.isError ? (
            <ErrorState error={audit.error} what="Audit log" />
          ) : audit.data.items.length === 0 ? (
            <EmptyRow>No moderation actions yet.</EmptyRow>
          ) : (
            <Stack gap="xs">
              {audit.data.items.map((entry) => (
                <Group key={entry.id} justify="space-between" wrap="nowrap">
                  <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                    <AuditActionBadge action={entry.action} />
                    <Text size="sm" lineClamp={1}>
                      {entry.actor.username} → {entry.targetLabel ?? entry.target}
                    </Text>
                  </Group>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(entry.at)}
                  </Text>
                </Group>
              ))}
            </Stack>
          )}
        </RecentPanel>
      </SimpleGrid>
    </Stack>
  );
}
