namespace WeComSuccession.Api;

/// <summary>
/// Problem details for everything under <c>/api</c> that no handler answered: unreadable input, unknown
/// routes, and (without details) unexpected errors. Added as a startup filter so that Program.cs stays one
/// line per feature; other paths keep the host's own error handling.
/// </summary>
internal sealed class AdminApiErrors : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(AdminApi.Prefix),
            api => api
                .UseExceptionHandler(new ExceptionHandlerOptions
                {
                    StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
                    // A client's bad input is not a server error; the framework logs it at Debug already.
                    SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
                })
                .UseStatusCodePages());
        next(app);
    };
}
