// What went wrong with the last action on a page: its message and the API's field errors.
import { ApiError, errorMessage } from '~/utils/errors'

export function useProblem() {
  const { t } = useI18n()
  const problem = ref('')
  const code = ref('')
  const fields = ref<Record<string, string[]>>({})

  /** Run an action; on failure show why instead of throwing (resolves to undefined). */
  async function attempt<T>(run: () => Promise<T>): Promise<T | undefined> {
    problem.value = ''
    code.value = ''
    fields.value = {}
    try {
      return await run()
    }
    catch (error) {
      if (error instanceof ApiError) {
        fields.value = error.fields
        code.value = error.code
      }
      problem.value = errorMessage(error, t('errors.generic'))
      return undefined
    }
  }

  return { problem, code, fields, attempt }
}
