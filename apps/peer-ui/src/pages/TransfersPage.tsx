import { Badge, Button, CopyButton, Group, Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { DownloadView } from '@contracts/daemon';
import { api, describeError } from '../api';
import { countOf, formatBytes, formatEta, formatRate } from '../format';
import { Empty, PageHeader } from '../Layout';
import { useLive } from '../live';

const RUNNING = new Set(['starting', 'downloading', 'paused']);
const STATE_COLORS: Record<DownloadView['state'], string> = {
  starting: 'blue',
  downloading: 'teal',
  paused: 'yellow',
  completed: 'green',
  failed: 'red',
  cancelled: 'gray',
};

async function act(download: DownloadView, action: 'pause' | 'resume' | 'cancel' | 'retry' | 'open-folder') {
  try {
    await api('POST', `/downloads/${download.id}/${action}`);
  } catch (error) {
    const what = action === 'open-folder' ? 'open the folder of' : action;
    notifications.show({ color: 'red', title: `Could not ${what} ${download.name ?? 'the download'}`, message: describeError(error) });
  }
}

function DownloadRow({ download }: { download: DownloadView }) {
  const percent = download.bytesTotal > 0 ? (download.bytesDone / download.bytesTotal) * 100 : 0;
  const name = download.name ?? `${download.sha256.slice(0, 12)}…`;
  const running = download.state === 'starting' || download.state === 'downloading';
  return (
    <Paper withBorder p="sm" data-testid="download" data-state={download.state} data-name={name}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0, flex: '1 1 16rem' }}>
          <Badge color={STATE_COLORS[download.state]} variant="light">
            {download.state}
          </Badge>
          <Text fw={500} style={{ wordBreak: 'break-all' }}>
            {name}
          </Text>
        </Group>
        <Group gap="xs" wrap="wrap">
          {running && (
            <Button size="xs" variant="default" onClick={() => void act(download, 'pause')}>
              Pause
            </Button>
          )}
          {download.state === 'paused' && (
            <Button size="xs" variant="light" onClick={() => void act(download, 'resume')}>
              Resume
            </Button>
          )}
          {(download.state === 'failed' || download.state === 'cancelled') && (
            <Button size="xs" variant="light" onClick={() => void act(download, 'retry')}>
              Retry
            </Button>
          )}
          {RUNNING.has(download.state) && (
            <Button size="xs" variant="light" color="red" onClick={() => void act(download, 'cancel')}>
              Cancel
            </Button>
          )}
          <Button size="xs" variant="subtle" onClick={() => void act(download, 'open-folder')}>
            Open folder
          </Button>
          <CopyButton value={download.path ?? download.outputDir}>
            {({ copied, copy }) => (
              <Button size="xs" variant="subtle" onClick={copy} title={download.path ?? download.outputDir}>
                {copied ? 'Copied' : 'Copy path'}
              </Button>
            )}
          </CopyButton>
        </Group>
      </Group>
      {download.state !== 'completed' && download.bytesTotal > 0 && (
        <Progress value={percent} mt="xs" animated={download.state === 'downloading'} aria-label={`${name}: ${Math.floor(percent)}%`} data-testid="progress" />
      )}
      <Text size="xs" c="dimmed" mt={4}>
        {download.state === 'starting' && 'Asking the server for sources…'}
        {download.state !== 'starting' &&
          `${formatBytes(download.bytesDone)} of ${formatBytes(download.bytesTotal)}` +
            (download.state === 'downloading'
              ? ` · ${formatRate(download.bytesPerSecond)} · ${formatEta(download.bytesTotal - download.bytesDone, download.bytesPerSecond)} left · ${download.activeSources} of ${countOf(download.sources.length, 'source')} sending · ${download.piecesDone} of ${countOf(download.piecesTotal, 'piece')}`
              : '') +
            (download.sources.length ? ` · from ${download.sources.join(', ')}` : '')}
      </Text>
      {download.state === 'completed' && (
        <Text size="xs" c="dimmed">
          Saved as {download.path}
        </Text>
      )}
      {download.reason && download.state !== 'cancelled' && (
        <Text size="xs" c="red">
          {download.reason}
        </Text>
      )}
      {download.partPath && (
        <Text size="xs" c="dimmed">
          {formatBytes(download.bytesDone)} verified are kept in {download.partPath}: Retry resumes from there.
        </Text>
      )}
    </Paper>
  );
}

export function TransfersPage() {
  const { downloads, uploads } = useLive();
  const running = downloads.filter((download) => RUNNING.has(download.state));
  const ended = downloads.filter((download) => !RUNNING.has(download.state)).reverse();
  return (
    <>
      <PageHeader title="Transfers" description="Downloads started here or with `peerdex get`, and what others fetch from you." />
      <Title order={4} mb="xs">
        Downloads{running.length > 0 ? ` (${running.length} in progress)` : ''}
      </Title>
      <Stack gap="xs" mb="lg">
        {running.map((download) => (
          <DownloadRow key={download.id} download={download} />
        ))}
        {running.length === 0 && <Empty>No download in progress. Find files on the Search page, or browse a user.</Empty>}
      </Stack>
      {ended.length > 0 && (
        <>
          <Title order={4} mb="xs">
            Finished
          </Title>
          <Stack gap="xs" mb="lg">
            {ended.map((download) => (
              <DownloadRow key={download.id} download={download} />
            ))}
          </Stack>
        </>
      )}
      <Group justify="space-between" mb="xs">
        <Title order={4}>Uploads</Title>
        <Text size="sm" c="dimmed" data-testid="slots">
          {uploads.slots.inUse} of {countOf(uploads.slots.capacity, 'upload slot')} in use
        </Text>
      </Group>
      <Paper withBorder>
        <Table.ScrollContainer minWidth={480}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>To</Table.Th>
                <Table.Th>File</Table.Th>
                <Table.Th>Sent</Table.Th>
                <Table.Th>Speed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {uploads.uploads.map((upload) => (
                <Table.Tr key={upload.id} data-testid="upload">
                  <Table.Td>{upload.downloader}</Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{upload.name}</Table.Td>
                  <Table.Td>{formatBytes(upload.bytesSent)}</Table.Td>
                  <Table.Td>{formatRate(upload.bytesPerSecond)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {uploads.uploads.length === 0 && <Empty>Nobody is downloading from you right now. Share folders on the Shares page so others can.</Empty>}
      </Paper>
    </>
  );
}
