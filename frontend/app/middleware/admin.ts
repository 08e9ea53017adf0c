// Platform admin pages (users, every file, new events): a signed-in user whose role is admin.
export default defineNuxtRouteMiddleware(async (to) => {
  await useAuth().restore()
  const auth = useAuthStore()
  if (!auth.isLoggedIn) return navigateTo({ path: '/auth/login', query: { next: to.fullPath } })
  if (!auth.isAdmin) return navigateTo(auth.managesEvents ? '/admin' : '/dashboard')
})
