import { AppShell, Badge, Burger, Group, NavLink, ScrollArea, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArrowsTransferDown, IconFolderShare, IconSearch, IconSettings, IconUserCircle, IconUsers } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { NavLink as RouterLink, Outlet } from 'react-router';
import { useLive } from './live';

const PAGES = [
  { to: '/', label: 'Search', icon: IconSearch, end: true },
  { to: '/transfers', label: 'Transfers', icon: IconArrowsTransferDown },
  { to: '/shares', label: 'Shares', icon: IconFolderShare },
  { to: '/browse', label: 'Browse a user', icon: IconUsers },
  { to: '/account', label: 'Account', icon: IconUserCircle },
  { to: '/settings', label: 'Settings', icon: IconSettings },
];

export function Layout() {
  const live = useLive();
  const [opened, { toggle, close }] = useDisclosure();
  const active = live.downloads.filter((download) => download.state === 'starting' || download.state === 'downloading').length;
  const account = live.account;
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Title order={4}>Peerdex</Title>
          </Group>
          <Group gap="xs" wrap="nowrap" data-testid="connection">
            {!live.connected ? (
              <Badge color="gray" variant="light">
                peer not answering
              </Badge>
            ) : !account?.signedIn ? (
              <Badge color="orange" variant="light">
                not signed in
              </Badge>
            ) : (
              <>
                <Text size="sm" fw={500} visibleFrom="xs">
                  {account.username}
                </Text>
                <Badge color={account.connected ? 'teal' : 'orange'} variant="light">
                  {account.connected ? 'online' : 'connecting'}
                </Badge>
              </>
            )}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <ScrollArea>
          {PAGES.map(({ to, label, icon: Icon, end }) => (
            <NavLink
              key={to}
              component={RouterLink}
              to={to}
              end={end}
              label={label}
              leftSection={<Icon size={18} stroke={1.6} />}
              rightSection={to === '/transfers' && active > 0 ? <Badge size="sm">{active}</Badge> : undefined}
              onClick={close}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main bg="var(--mantine-color-gray-0)">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

export function PageHeader({ title, description, children }: { title: string; description?: string; children?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-end" mb="md" wrap="wrap">
      <div>
        <Title order={2}>{title}</Title>
        {description && (
          <Text c="dimmed" size="sm" mt={4}>
            {description}
          </Text>
        )}
      </div>
      {children}
    </Group>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Text c="dimmed" ta="center" py="lg" size="sm" data-testid="empty-state">
      {children}
    </Text>
  );
}
