// Restore the session before the first page renders.
export default defineNuxtPlugin(async () => {
  const { restore, listen } = useAuth()
  listen()
  await restore()
})
