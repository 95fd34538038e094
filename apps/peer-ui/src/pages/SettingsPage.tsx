import { Alert, Button, Group, NumberInput, Paper, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { SettingsView } from '@contracts/daemon';
import { parseByteSize } from '@contracts/units';
import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api';
import { countOf, formatBytes, formatRate } from '../format';
import { PageHeader } from '../Layout';

export function SettingsPage() {
  const view = useQuery({ queryKey: ['settings'], queryFn: () => api<SettingsView>('GET', '/settings') });
  return (
    <>
      <PageHeader title="Settings" description="Kept in your peer's config.json." />
      {view.error && <Alert color="red">{describeError(view.error)}</Alert>}
      {view.data && <SettingsForm view={view.data} />}
    </>
  );
}

function SettingsForm({ view }: { view: SettingsView }) {
  const queryClient = useQueryClient();
  const { settings, inForce } = view;
  const [downloadDir, setDownloadDir] = useState(settings.downloadDir);
  const [slots, setSlots] = useState<number | string>(settings.uploadSlots);
  const [rate, setRate] = useState(settings.uploadBytesPerSecond === null ? '' : formatBytes(settings.uploadBytesPerSecond).replace(' ', ''));
  const [seeding, setSeeding] = useState(settings.seeding);
  const [problem, setProblem] = useState<string | null>(null);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const bytesPerSecond = rate.trim() === '' ? null : parseByteSize(rate);
    if (bytesPerSecond === undefined) return setProblem('The upload limit is a size per second like 500KiB or 5MiB, or empty for none.');
    try {
      const saved = await api<SettingsView>('PATCH', '/settings', { downloadDir: downloadDir.trim(), uploadSlots: Number(slots), uploadBytesPerSecond: bytesPerSecond, seeding });
      queryClient.setQueryData(['settings'], saved);
      notifications.show({ color: 'teal', message: 'Settings saved' });
    } catch (error) {
      setProblem(describeError(error));
    }
  };
  return (
    <>
      <Paper withBorder p="md" maw={560}>
        <form onSubmit={(event) => void save(event)}>
          <Stack>
            <TextInput label="Download folder" description="Where downloads from this page go (full path)" value={downloadDir} onChange={(event) => setDownloadDir(event.currentTarget.value)} required />
            <NumberInput label="Upload slots" description="How many people can download from you at once" min={1} max={100} value={slots} onChange={setSlots} />
            <TextInput label="Upload limit per second" description="e.g. 5MiB; empty for no limit" value={rate} onChange={(event) => setRate(event.currentTarget.value)} />
            <Switch
              label="Seeding"
              description="Also serve the pieces of files you are still downloading. Stored now; it takes effect with the peer version that shares partial files."
              checked={seeding}
              onChange={(event) => setSeeding(event.currentTarget.checked)}
            />
            <Text size="sm" c="dimmed">
              In force now: {countOf(inForce.uploadSlots, 'upload slot')}, {inForce.uploadBytesPerSecond === null ? 'no upload limit' : `at most ${formatRate(inForce.uploadBytesPerSecond)}`}. Slots and the limit change when the peer restarts; `peerdex up --slots` and `--max-upload-rate` win over these.
            </Text>
            {problem && <Alert color="red">{problem}</Alert>}
            <Group>
              <Button type="submit">Save</Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </>
  );
}
