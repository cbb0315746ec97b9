/** The Slack workspace the emulator pretends to be: users, channels, user groups. */
export interface WorkspaceUser {
  id: string;
  name: string;
  realName: string;
  title: string;
  email: string;
}

export interface WorkspaceChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  members: string[];
}

export interface Workspace {
  teamId: string;
  teamDomain: string;
  appId: string;
  botId: string;
  botUserId: string;
  users: WorkspaceUser[];
  channels: WorkspaceChannel[];
  usergroups: Record<string, { handle: string; members: string[] }>;
}

/** Matches config/banto.yml: one person per role, plus people who hold a role only through a group, and one with none. */
export const demoWorkspace: Workspace = {
  teamId: 'T0DEMO',
  teamDomain: 'banto-demo',
  appId: 'A0BANTO',
  botId: 'B0BANTO',
  botUserId: 'U0BANTO',
  users: [
    {
      id: 'U01EXEC',
      name: 'sato',
      realName: '佐藤 健一',
      title: '代表取締役 (exec)',
      email: 'sato@banto-demo.example',
    },
    {
      id: 'U02ACCT',
      name: 'suzuki',
      realName: '鈴木 美咲',
      title: '経理 (accounting)',
      email: 'suzuki@banto-demo.example',
    },
    {
      id: 'U07ACCT2',
      name: 'takahashi',
      realName: '高橋 由美',
      title: '経理 (accounting, via S0ACCT)',
      email: 'takahashi@banto-demo.example',
    },
    {
      id: 'U03CLERK',
      name: 'tanaka',
      realName: '田中 翔太',
      title: 'カスタマーサポート (clerk)',
      email: 'tanaka@banto-demo.example',
    },
    {
      id: 'U04ENG',
      name: 'ito',
      realName: '伊藤 大輔',
      title: 'エンジニア (engineer)',
      email: 'ito@banto-demo.example',
    },
    {
      id: 'U06ONCALL',
      name: 'watanabe',
      realName: '渡辺 彩',
      title: 'エンジニア (engineer, via S0ONCALL)',
      email: 'watanabe@banto-demo.example',
    },
    {
      id: 'U05GUEST',
      name: 'yamamoto',
      realName: '山本 拓也',
      title: '営業 (no Banto role)',
      email: 'yamamoto@banto-demo.example',
    },
  ],
  channels: [
    { id: 'C0BILLING', name: 'billing', isPrivate: true, members: ['U01EXEC', 'U02ACCT', 'U07ACCT2', 'U0BANTO'] },
    { id: 'C0ALERTS', name: 'alerts', isPrivate: false, members: ['U04ENG', 'U06ONCALL', 'U0BANTO'] },
    {
      id: 'C0GENERAL',
      name: 'general',
      isPrivate: false,
      members: ['U01EXEC', 'U02ACCT', 'U07ACCT2', 'U03CLERK', 'U04ENG', 'U06ONCALL', 'U05GUEST', 'U0BANTO'],
    },
  ],
  usergroups: {
    S0ACCT: { handle: 'accounting', members: ['U02ACCT', 'U07ACCT2'] },
    S0ONCALL: { handle: 'oncall', members: ['U04ENG', 'U06ONCALL'] },
  },
};
