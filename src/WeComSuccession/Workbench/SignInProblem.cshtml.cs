using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Localization;
using WeComSuccession.Infrastructure.Web;

namespace WeComSuccession.Workbench;

/// <summary>Why a sign-in inside WeCom did not end signed in, and how to try again.</summary>
[AllowAnonymous]
internal sealed class SignInProblemModel(IStringLocalizer<WorkbenchText> text, ServiceClock clock) : WorkbenchPage(text, clock)
{
    public SignInProblem Problem { get; private set; }

    public void OnGet(SignInProblem problem)
    {
        Problem = Enum.IsDefined(problem) ? problem : SignInProblem.WeComUnavailable;
        Response.StatusCode = StatusCodes.Status400BadRequest;
    }
}
