// Attendee pages: a signed-in user.
export default defineNuxtRouteMiddleware(async (to) => {
  await useAuth().restore()
  if (!useAuthStore().isLoggedIn) return navigateTo({ path: '/auth/login', query: { next: to.fullPath } })
})
