import type { Request, Response } from 'express';
import type { ApiDependencies } from './dependencies';
import type { Permission } from '../platform/http/permissions';
import type { FormError } from '../platform/web/html';

/** What every administration section needs: the app's services, and how to send a page. */
export interface AdminContext {
  deps: ApiDependencies;
  /** Renders `admin/<template>` inside the layout, with the navigation, the signed-in person and any form errors. */
  render(
    req: Request,
    res: Response,
    template: string,
    context: { title: string; errors?: FormError[]; [key: string]: unknown },
    status?: number,
  ): Promise<void>;
  /** Refuses (403, audited) anyone the permission table does not let do this. */
  guard(permission: Permission): (req: Request, res: Response, next: () => void) => void;
}
