/** A space the composer may post in, with what the viewer may publish there (its `viewerCan`). */
export interface ComposerSpace {
  id: string;
  name: string;
  /** viewerCan.post: discussions, questions, ideas. */
  canPost: boolean;
  /** viewerCan.postAnnouncement. */
  canAnnounce: boolean;
}
