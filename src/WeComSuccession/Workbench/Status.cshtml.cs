using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Localization;

namespace WeComSuccession.Workbench;

/// <summary>The workbench's page for a status: 403 (not your plan: nothing of it is shown), 404, 500.</summary>
[AllowAnonymous]
internal sealed class StatusModel(IStringLocalizer<WorkbenchText> text, ServiceClock clock) : WorkbenchPage(text, clock)
{
    public int Code { get; private set; }

    public void OnGet(int code)
    {
        Code = code is 403 or 404 or 500 ? code : 400;
        Response.StatusCode = Code;
    }
}
