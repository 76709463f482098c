import { useState } from 'react'
import {
  IMPORT_FILE_MAX_BYTES,
  IMPORT_FILE_TOO_LARGE,
  IMPORT_KIND_LABELS,
  IMPORT_SCOPE_LABELS,
  IMPORT_TEMPLATE_HEADERS,
  IMPORT_VERDICT_LABELS,
  type ImportConfirmOutput,
  type ImportKind,
  type ImportPreviewOutput,
  type ImportRow
} from '@contracts/imports'
import type { Reply } from '@contracts/reply'
import { DataTable, type Column } from './DataTable'

export interface ImportInputShape {
  kind: ImportKind
  scope: string
  fileName: string
  file: string
}

/** One kind the wizard offers, with the function calls that serve it. */
export interface ImportKindOption {
  kind: ImportKind
  /** The places it imports into (communities, or teams), by id. */
  scopes: { id: string; name: string }[]
  preview: (input: ImportInputShape) => Promise<Reply<ImportPreviewOutput>>
  confirm: (input: ImportInputShape & { previewToken: string }) => Promise<Reply<ImportConfirmOutput>>
}

/** The file as base64 (what the functions take), read in the browser. */
export function readAsBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => {
      const url = String(reader.result ?? '')
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.onerror = () => reject(reader.error ?? new Error('读取文件失败'))
    reader.readAsDataURL(file)
  })
}

const VERDICT_CLASS: Record<ImportRow['verdict'], string> = { created: 'created', changed: 'changed', unchanged: 'unchanged', refused: 'refused' }

const COLUMNS: readonly Column<ImportRow>[] = [
  { key: 'rowNo', title: '行号', width: '64PX', align: 'right', render: (r) => `第${r.rowNo}行` },
  { key: 'summary', title: '内容', render: (r) => r.summary || '（空）' },
  {
    key: 'verdict',
    title: '结果',
    width: '88PX',
    render: (r) => <span className={`desk-import__verdict desk-import__verdict--${VERDICT_CLASS[r.verdict]}`}>{IMPORT_VERDICT_LABELS[r.verdict]}</span>
  },
  { key: 'reason', title: '说明', render: (r) => r.reason ?? (r.fields?.length ? `修改：${r.fields.join('、')}` : '') }
]

const time = (iso: string) => {
  const d = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/**
 * 批量导入 (PC, H5 only; docs/back-office.md §5): choose the kind and where it goes, pick an .xlsx
 * (read as base64 here; the function parses and checks it), 预览 shows every row's verdict
 * (新增 / 修改 / 不变 / 拒绝 and why) with the counts, 确认导入 applies it. Nothing is written
 * before 确认导入; a file imported before says 此文件已导入.
 */
export function ImportWizard({ options }: { options: ImportKindOption[] }) {
  const [kind, setKind] = useState<ImportKind>(options[0]?.kind ?? 'members')
  const option = options.find((o) => o.kind === kind) ?? options[0]
  const [scope, setScope] = useState('')
  const [file, setFile] = useState<{ name: string; base64: string } | null>(null)
  const [busy, setBusy] = useState<'' | 'reading' | 'preview' | 'confirm'>('')
  const [error, setError] = useState('')
  const [preview, setPreview] = useState<ImportPreviewOutput | null>(null)
  const [result, setResult] = useState<ImportConfirmOutput | null>(null)
  const [page, setPage] = useState({ page: 1, pageSize: 20 })
  const scopeId = scope || option?.scopes[0]?.id || ''

  const reset = () => {
    setPreview(null)
    setResult(null)
    setError('')
    setPage({ page: 1, pageSize: 20 })
  }

  const pick = async (picked: File | undefined) => {
    reset()
    setFile(null)
    if (!picked) return
    if (!/\.xlsx$/i.test(picked.name)) {
      setError(/\.xls$/i.test(picked.name) ? '请在 Excel 中另存为 .xlsx 后再导入' : '请选择 .xlsx 格式的表格')
      return
    }
    if (picked.size > IMPORT_FILE_MAX_BYTES) {
      setError(IMPORT_FILE_TOO_LARGE)
      return
    }
    setBusy('reading')
    try {
      setFile({ name: picked.name, base64: await readAsBase64(picked) })
    } catch {
      setError('读取文件失败，请重新选择')
    } finally {
      setBusy('')
    }
  }

  const input = (): ImportInputShape | null => (option && file && scopeId ? { kind: option.kind, scope: scopeId, fileName: file.name, file: file.base64 } : null)

  const runPreview = async () => {
    const data = input()
    if (!data || !option) return
    reset()
    setBusy('preview')
    const reply = await option.preview(data)
    setBusy('')
    if (reply.ok) setPreview(reply.data)
    else setError(reply.error.message)
  }

  const runConfirm = async () => {
    const data = input()
    if (!data || !option || !preview) return
    setBusy('confirm')
    setError('')
    const reply = await option.confirm({ ...data, previewToken: preview.previewToken })
    setBusy('')
    if (reply.ok) setResult(reply.data)
    else setError(reply.error.message)
  }

  if (!option) return <div className='desk-import__calm'>没有可导入的名册</div>
  const counts = preview?.counts
  const toWrite = counts ? counts.created + counts.changed : 0
  const rows = preview ? preview.rows.slice((page.page - 1) * page.pageSize, page.page * page.pageSize) : []

  return (
    <div className='desk-import' data-testid='desk-import'>
      <section className='desk-import__form' aria-label='选择文件'>
        <label className='desk-field'>
          导入类型
          <select
            aria-label='导入类型'
            value={option.kind}
            onChange={(e) => {
              setKind(e.target.value as ImportKind)
              setScope('')
              reset()
            }}
          >
            {options.map((o) => (
              <option key={o.kind} value={o.kind}>
                {IMPORT_KIND_LABELS[o.kind]}
              </option>
            ))}
          </select>
        </label>
        <label className='desk-field'>
          {IMPORT_SCOPE_LABELS[option.kind]}
          <select
            aria-label={IMPORT_SCOPE_LABELS[option.kind]}
            value={scopeId}
            onChange={(e) => {
              setScope(e.target.value)
              reset()
            }}
          >
            {option.scopes.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        {/* The browser's own file button speaks the browser's language: ours, with the input hidden behind it. */}
        <label className='desk-field'>
          Excel 文件（.xlsx，不超过1.4MB）
          <span className='desk-button desk-button--plain'>选择文件</span>
          <span className='desk-import__file'>{file ? file.name : '未选择文件'}</span>
          <input
            type='file'
            className='desk-import__input'
            accept='.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
            data-testid='desk-import-file'
            onChange={(e) => void pick(e.target.files?.[0])}
          />
        </label>
        <button type='button' className='desk-button' disabled={!file || !scopeId || !!busy} onClick={() => void runPreview()}>
          {busy === 'preview' ? '正在检查…' : '预览'}
        </button>
      </section>
      <p className='desk-import__hint'>
        第一行为列名：{IMPORT_TEMPLATE_HEADERS[option.kind].join('、')}。预览不会写入任何数据，确认导入后才保存；同一文件只会导入一次。
      </p>
      {error ? (
        <div className='desk-import__error' role='alert'>
          {error}
        </div>
      ) : null}
      {preview ? (
        <section className='desk-import__preview' aria-label='预览结果' data-testid='desk-import-preview'>
          {preview.imported ? (
            <div className='desk-import__already' role='status' data-testid='desk-import-already'>
              此文件已导入（{time(preview.imported.at)}
              {preview.imported.byName ? ` · ${preview.imported.byName}` : ''}：新增 {preview.imported.counts.created} 条，修改 {preview.imported.counts.changed} 条）
            </div>
          ) : null}
          <div className='desk-import__counts' data-testid='desk-import-counts'>
            <span>{preview.scopeName}</span>
            <span>{preview.fileName}</span>
            {(['created', 'changed', 'unchanged', 'refused'] as const).map((v) => (
              <span key={v} className={`desk-import__verdict desk-import__verdict--${v}`}>
                {IMPORT_VERDICT_LABELS[v]} {preview.counts[v]}
              </span>
            ))}
          </div>
          <DataTable
            name='import-rows'
            label='逐行预览'
            rows={rows}
            rowKey={(r) => String(r.rowNo)}
            columns={COLUMNS}
            total={preview.rows.length}
            page={page.page}
            pageSize={page.pageSize}
            onPage={(p, size) => setPage({ page: p, pageSize: size })}
            empty='表格中没有数据行'
          />
          {result ? (
            <div className={result.already ? 'desk-import__already' : 'desk-import__done'} role='status' data-testid='desk-import-result'>
              {result.already
                ? `${result.message}（${time(result.at)}），本次没有改动`
                : `${result.message}：新增 ${result.counts.created} 条，修改 ${result.counts.changed} 条，不变 ${result.counts.unchanged} 条，拒绝 ${result.counts.refused} 条`}
            </div>
          ) : (
            <div className='desk-import__actions'>
              <button type='button' className='desk-button' disabled={!!busy || (toWrite === 0 && !preview.imported)} onClick={() => void runConfirm()}>
                {busy === 'confirm' ? '正在导入…' : preview.imported ? '确认导入（已导入过）' : `确认导入 ${toWrite} 条`}
              </button>
              {toWrite === 0 && !preview.imported ? <span className='desk-import__calm'>没有需要新增或修改的行</span> : null}
              {counts && counts.refused > 0 ? <span className='desk-import__calm'>被拒绝的 {counts.refused} 行不会导入，可修改表格后重新预览</span> : null}
            </div>
          )}
        </section>
      ) : null}
    </div>
  )
}
