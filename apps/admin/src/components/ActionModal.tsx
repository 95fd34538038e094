import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { describeError } from '../api/errors';

export interface ActionModalProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** what will happen, in plain words */
  description: ReactNode;
  confirmLabel: string;
  /** red for destructive actions */
  color?: string;
  /** a free-text field (reason, note); absent for none */
  text?: { label: string; placeholder?: string; required?: boolean; maxLength: number };
  onConfirm: (text: string | undefined) => Promise<unknown>;
  /** extra fields above the text (the ban duration) */
  children?: ReactNode;
}

/**
 * The confirmation every destructive or recorded action goes through: says what will happen,
 * takes the reason or note, and shows the server's refusal in place instead of closing.
 */
export function ActionModal({ opened, onClose, title, description, confirmLabel, color = 'red', text, onConfirm, children }: ActionModalProps) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const trimmed = value.trim();
  const missing = text?.required === true && trimmed === '';

  const close = () => {
    setValue('');
    setError(undefined);
    onClose();
  };

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm(trimmed === '' ? undefined : trimmed);
      close();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={600}>{title}</Text>} centered>
      <Stack gap="md">
        <Text size="sm">{description}</Text>
        {children}
        {text && (
          <Textarea
            label={text.label}
            placeholder={text.placeholder}
            required={text.required}
            value={value}
            onChange={(event) => setValue(event.currentTarget.value)}
            maxLength={text.maxLength}
            autosize
            minRows={2}
            maxRows={6}
            data-autofocus
          />
        )}
        {error && (
          <Alert color="red" variant="light" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button color={color} onClick={() => void confirm()} loading={busy} disabled={missing}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
