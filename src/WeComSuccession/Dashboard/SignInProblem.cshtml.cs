using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WeComSuccession.Infrastructure.Web;

namespace WeComSuccession.Dashboard;

/// <summary>Why a WeCom sign-in did not end signed in, and a way to try again.</summary>
[AllowAnonymous]
internal sealed class SignInProblemModel : PageModel
{
    public SignInProblem Problem { get; private set; }

    public void OnGet(SignInProblem problem)
    {
        Problem = Enum.IsDefined(problem) ? problem : SignInProblem.StateMismatch;
        Response.StatusCode = StatusCodes.Status400BadRequest;
    }
}
