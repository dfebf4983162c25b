using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace WeComSuccession.Dashboard;

[AllowAnonymous]
internal sealed class SignedOutModel : PageModel;
