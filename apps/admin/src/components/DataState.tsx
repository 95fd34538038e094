import { Alert, Button, Center, Group, Loader, Text } from '@mantine/core';
import { IconAlertTriangle, IconPlugConnectedX } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ApiError, describeError } from '../api/errors';

/** The error of a failed load, worded for a moderator; an endpoint the server lacks is not a crash. */
export function ErrorState({ error, onRetry, what }: { error: unknown; onRetry?: () => void; what: string }) {
  const unavailable = error instanceof ApiError && error.unavailable;
  return (
    <Alert
      variant="light"
      color={unavailable ? 'gray' : 'red'}
      title={unavailable ? `${what}: not available yet` : `Could not load ${what.toLowerCase()}`}
      icon={unavailable ? <IconPlugConnectedX size={18} /> : <IconAlertTriangle size={18} />}
      data-testid="error-state"
    >
      <Text size="sm">
        {unavailable ? 'This server does not offer this yet. The page will work once the server provides it.' : describeError(error)}
      </Text>
      {onRetry && !unavailable && (
        <Group mt="sm">
          <Button size="xs" variant="default" onClick={onRetry}>
            Try again
          </Button>
        </Group>
      )}
    </Alert>
  );
}

export function LoadingState() {
  return (
    <Center py="xl">
      <Loader size="sm" />
    </Center>
  );
}

export function EmptyRow({ children }: { children: ReactNode }) {
  return (
    <Text c="dimmed" ta="center" py="lg" size="sm">
      {children}
    </Text>
  );
}
