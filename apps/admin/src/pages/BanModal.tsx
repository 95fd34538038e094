import { Group, NumberInput, Select, Text } from '@mantine/core';
import { useState } from 'react';
import type { AdminUserView } from '@contracts/admin';
import { api } from '../api/endpoints';
import { ActionModal } from '../components/ActionModal';

const HOUR = 3_600_000;
const DURATIONS = [
  { value: '1h', label: '1 hour', ms: HOUR },
  { value: '1d', label: '1 day', ms: 24 * HOUR },
  { value: '7d', label: '7 days', ms: 7 * 24 * HOUR },
  { value: '30d', label: '30 days', ms: 30 * 24 * HOUR },
  { value: '365d', label: '1 year', ms: 365 * 24 * HOUR },
  { value: 'custom', label: 'Custom number of days', ms: undefined },
  { value: 'permanent', label: 'Permanent', ms: undefined },
] as const;
type DurationChoice = (typeof DURATIONS)[number]['value'];

/** When the ban ends: undefined for a permanent ban, as BanRequest wants it. */
function banUntil(choice: DurationChoice, customDays: number): string | undefined {
  if (choice === 'permanent') return undefined;
  const ms = choice === 'custom' ? customDays * 24 * HOUR : DURATIONS.find((duration) => duration.value === choice)!.ms!;
  return new Date(Date.now() + ms).toISOString();
}

export function BanModal({ user, onClose, onBanned }: { user: AdminUserView | undefined; onClose: () => void; onBanned: (user: AdminUserView) => void }) {
  const [choice, setChoice] = useState<DurationChoice>('7d');
  const [customDays, setCustomDays] = useState<number>(14);

  return (
    <ActionModal
      opened={user !== undefined}
      onClose={onClose}
      title={`Ban ${user?.username ?? ''}`}
      description={
        <>
          <Text span fw={600}>
            {user?.username}
          </Text>{' '}
          will be signed out everywhere and cannot sign in until the ban ends. The reason is shown to them and recorded in the audit log.
        </>
      }
      confirmLabel="Ban user"
      text={{ label: 'Reason', placeholder: 'What the user did', required: true, maxLength: 500 }}
      onConfirm={async (reason) => {
        const banned = await api.ban(user!.id, { reason: reason ?? '', until: banUntil(choice, customDays) });
        onBanned(banned);
      }}
    >
      <Group grow align="flex-end">
        <Select
          label="Duration"
          data={DURATIONS.map(({ value, label }) => ({ value, label }))}
          value={choice}
          onChange={(value) => value && setChoice(value as DurationChoice)}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
        />
        {choice === 'custom' && (
          <NumberInput label="Days" min={1} max={3650} value={customDays} onChange={(value) => setCustomDays(typeof value === 'number' ? value : 1)} />
        )}
      </Group>
    </ActionModal>
  );
}
