/**
 * The demo personas of the H5 dev sign-in page (emulator only). The emulator's seed creates users
 * with exactly these openids (emulator/seed/personas.ts).
 */
export interface Persona {
  openid: string
  /** What the sign-in page shows in large type, e.g. "居民 · 王阿姨". */
  title: string
  /** A second line: who this is in the demo district. */
  detail: string
}

export const PERSONAS: readonly Persona[] = [
  { openid: 'demo-resident', title: '居民 · 王阿姨', detail: '王秀兰，东风社区 锦绣花园 1号楼' },
  { openid: 'demo-member', title: '在职党员 · 李明', detail: '东风社区 锦绣花园 2号楼' },
  { openid: 'demo-staff', title: '社区工作者 · 第一社区', detail: '张敏，东风社区' },
  { openid: 'demo-staff-2', title: '社区工作者 · 第二社区', detail: '赵磊，红旗社区' },
  { openid: 'demo-admin', title: '区级管理员', detail: '陈主任，全区' },
  { openid: 'demo-property', title: '物业服务企业员工', detail: '孙经理，服务锦绣花园' },
  { openid: 'demo-committee', title: '业委会成员', detail: '周委员，锦绣花园' }
]

export function findPersona(openid: string | null | undefined): Persona | undefined {
  return openid ? PERSONAS.find((p) => p.openid === openid) : undefined
}
